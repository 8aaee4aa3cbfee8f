"""The evidence gallery (issue 15) through its real widgets and a real vault holding real camera
photos and a video: badges, filters, order, previews decrypted off the GUI thread and dropped on
lock, the keyboard into the viewer, and Ctrl+G in the window."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import Catalogue
from observer_app.gui.dialogs.gallery_dialog import GalleryDialog
from observer_app.gui.dialogs.media_viewer import MediaViewer
from observer_app.gui.models.gallery_model import (
    BADGE_ROLE,
    ICON_SIDE,
    Badge,
    GalleryFilter,
    GalleryModel,
)
from observer_app.gui.session_flow import SessionFlow
from observer_app.logbook import incidents, media, stations
from observer_app.logbook.session import LogbookSession
from tests.media.media_support import two_colour_video

from .conftest import unlock
from .test_record_dialogs import Keyboard, _focused_window

DATA = Path(__file__).parents[1] / "data" / "media"


@dataclass(frozen=True)
class Evidence:
    gps: str  # gps_DSCN0010.jpg at 101, consent written
    canon: str  # Canon_40D.jpg at 102, not asked
    astronaut: str  # astronaut.jpg on an incident at 101, refused
    video: str  # a two-colour clip at 101


def add_evidence(session: LogbookSession, catalogue: Catalogue, folder: Path) -> Evidence:
    """Four real items over two stations, one through an incident, in three consent states."""
    stations.add_station(session, catalogue, "101", "Школа № 5")
    stations.add_station(session, catalogue, "102", "Гимназия № 38")
    incident = incidents.add_incident(session, catalogue, "101", "campaigning", "Агитация")
    gps = media.import_file(session, DATA / "gps_DSCN0010.jpg", media.Link("station", "101")).id
    canon = media.import_file(session, DATA / "Canon_40D.jpg", media.Link("station", "102")).id
    astronaut = media.import_file(
        session, DATA / "astronaut.jpg", media.Link("incident", incident)
    ).id
    video = media.import_file(
        session, two_colour_video(folder / "clip.avi"), media.Link("station", "101")
    ).id
    media.set_consent(session, gps, "written", "signed form")
    media.set_consent(session, astronaut, "refused", "said no")
    return Evidence(gps, canon, astronaut, video)


@pytest.fixture
def evidence(session: LogbookSession, catalogue: Catalogue, tmp_path: Path) -> Evidence:
    return add_evidence(session, catalogue, tmp_path)


@pytest.fixture
def gallery(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, evidence: Evidence
) -> Iterator[GalleryDialog]:
    dialog = GalleryDialog(session, catalogue)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.reject()


def shown(dialog: GalleryDialog) -> list[str]:
    return dialog.model.ids()


def choose(combo: object, data: object) -> None:
    from PySide6.QtWidgets import QComboBox

    assert isinstance(combo, QComboBox)
    index = combo.findData(data)
    assert index >= 0
    combo.setCurrentIndex(index)


def test_the_grid_shows_every_item_with_its_consent_badge(
    gallery: GalleryDialog, evidence: Evidence
) -> None:
    assert shown(gallery) == [evidence.gps, evidence.canon, evidence.astronaut, evidence.video]
    assert gallery.count.text() == "4 items"
    badges = {
        gallery.model.item(row).id: gallery.model.index(row).data(BADGE_ROLE)
        for row in range(gallery.model.rowCount())
    }
    assert all(isinstance(badge, Badge) for badge in badges.values())
    assert (badges[evidence.gps].level, badges[evidence.gps].text) == ("public", "Written consent")
    assert badges[evidence.canon].level == "caution"
    assert badges[evidence.astronaut].level == "forbidden"
    assert badges[evidence.astronaut].text == "Consent refused"
    # The delegate paints the badge: the cell's top-left corner has the badge's green.
    picture = gallery.grid.viewport().grab().toImage()
    first = gallery.grid.visualRect(gallery.model.index(0))
    corner = picture.pixelColor(first.left() + 9, first.top() + 9)
    assert corner.green() > 100 and corner.red() < 80


def test_filters_and_order_change_the_rows(gallery: GalleryDialog, evidence: Evidence) -> None:
    choose(gallery.station, "101")  # directly, and through the incident made there
    assert shown(gallery) == [evidence.gps, evidence.astronaut, evidence.video]
    choose(gallery.kind, "video")
    assert shown(gallery) == [evidence.video]
    choose(gallery.kind, None)
    choose(gallery.consent, "refused")
    assert shown(gallery) == [evidence.astronaut]
    assert gallery.count.text() == "1 item"
    choose(gallery.station, "102")
    assert shown(gallery) == []
    assert gallery.count.text() == "No item matches these filters."
    choose(gallery.station, None)
    choose(gallery.consent, None)
    # By capture time the cameras' 2008 photos come first, Canon's May before Nikon's November;
    # the astronaut and the clip have none and keep their import order after them.
    choose(gallery.order, "captured")
    assert shown(gallery) == [evidence.canon, evidence.gps, evidence.astronaut, evidence.video]
    assert gallery.model.index(0).data().startswith("2008-05-30")
    choose(gallery.order, "imported")
    assert shown(gallery) == [evidence.gps, evidence.canon, evidence.astronaut, evidence.video]


def test_pages_are_fetched_as_the_grid_scrolls(
    qtbot: QtBot, session: LogbookSession, catalogue: Catalogue, evidence: Evidence
) -> None:
    model = GalleryModel(session, catalogue, page_size=3)
    model.reload()
    assert model.rowCount() == 3 and model.canFetchMore(model.index(0).parent())
    model.fetchMore(model.index(0).parent())
    assert model.ids() == [evidence.gps, evidence.canon, evidence.astronaut, evidence.video]
    assert not model.canFetchMore(model.index(0).parent())
    # By capture time too: the cursor holds the capture time (or the import time without one).
    model = GalleryModel(session, catalogue, page_size=1)
    model.set_selection(GalleryFilter(order="captured"))
    while model.canFetchMore(model.index(0).parent()):
        model.fetchMore(model.index(0).parent())
    assert model.ids() == [evidence.canon, evidence.gps, evidence.astronaut, evidence.video]
    model.close()


def test_previews_are_decrypted_off_the_gui_thread_and_dropped_on_lock(
    qtbot: QtBot,
    session: LogbookSession,
    catalogue: Catalogue,
    evidence: Evidence,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[int] = []
    real = media.thumbnails_jpeg

    def recording(session: LogbookSession, ids: list[str]) -> dict[str, bytes]:
        threads.append(threading.get_ident())
        return real(session, ids)

    monkeypatch.setattr(media, "thumbnails_jpeg", recording)
    dialog = GalleryDialog(session, catalogue)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    model = dialog.model
    # The three photos and the clip (a decoded frame) have previews.
    qtbot.waitUntil(lambda: model.preview_count == 4, timeout=10_000)
    assert threads and threading.get_ident() not in threads
    assert model.batches == 1  # one batch for the screenful
    row = model.ids().index(evidence.gps)
    preview = model.index(row).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(preview, QPixmap)
    assert max(preview.width(), preview.height()) == ICON_SIDE
    assert preview.width() > preview.height()  # the landscape photo itself, not a placeholder
    session.lock()
    assert model.preview_count == 0
    assert not model.has_preview(evidence.gps)
    dialog.grid.viewport().repaint()  # painting after the lock asks for nothing
    assert model.batches == 1
    dialog.reject()


def test_arrows_move_and_enter_opens_the_viewer(
    qtbot: QtBot, gallery: GalleryDialog, evidence: Evidence
) -> None:
    gallery.grid.setFocus()
    assert gallery.grid.currentIndex().row() == 0
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Right)
    assert gallery.model.item(gallery.grid.currentIndex().row()).id == evidence.canon
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Return)
    viewer = gallery.viewer
    assert isinstance(viewer, MediaViewer)
    qtbot.waitExposed(viewer)
    assert viewer.item.id == evidence.canon
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gallery.viewer is None)


def test_ctrl_g_opens_the_gallery_in_the_window(
    qtbot: QtBot, flow: SessionFlow, passphrase: str, catalogue: Catalogue, tmp_path: Path
) -> None:
    window = unlock(qtbot, flow, passphrase)
    clip = shutil.copy(DATA / "Canon_40D.jpg", tmp_path / "Canon_40D.jpg")
    media.import_file(window.session, Path(clip), media.Link("station", "101"))
    assert window.actions_by_name["gallery"].shortcut().toString() == "Ctrl+G"
    _focused_window(qtbot, window)
    Keyboard(qtbot).press(Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(isinstance(f, GalleryDialog) for f in window.open_forms))
    dialog = next(f for f in window.open_forms if isinstance(f, GalleryDialog))
    assert isinstance(dialog, GalleryDialog)
    assert dialog.model.rowCount() == 1


def test_a_consent_change_shows_in_the_grid_and_the_open_viewer(
    qtbot: QtBot, session: LogbookSession, gallery: GalleryDialog, evidence: Evidence
) -> None:
    """What the consent editor's change (branch redact) makes the gallery do."""
    row = gallery.model.ids().index(evidence.astronaut)
    gallery.grid.setCurrentIndex(gallery.model.index(row))
    viewer = gallery.open_viewer(gallery.grid.currentIndex())
    assert isinstance(viewer, MediaViewer)
    assert not viewer.export_button.isEnabled()
    media.set_consent(session, evidence.astronaut, "written", "signed after all")

    def badge() -> Badge:
        found = gallery.model.index(gallery.model.ids().index(evidence.astronaut)).data(BADGE_ROLE)
        assert isinstance(found, Badge)
        return found

    qtbot.waitUntil(lambda: badge().level == "public")
    assert gallery.model.item(gallery.grid.currentIndex().row()).id == evidence.astronaut
    assert viewer.export_button.isEnabled()
    assert "signed after all" in viewer.history.item(viewer.history.count() - 1).text()
    viewer.reject()


def test_locking_the_window_closes_the_gallery_and_its_viewer_with_their_pictures(
    qtbot: QtBot, flow: SessionFlow, passphrase: str
) -> None:
    window = unlock(qtbot, flow, passphrase)
    photo = media.import_file(
        window.session, DATA / "gps_DSCN0021.jpg", media.Link("station", "101")
    ).id
    gallery = window.open_gallery()
    qtbot.waitUntil(lambda: gallery.model.has_preview(photo), timeout=10_000)
    viewer = gallery.open_viewer(gallery.model.index(0))
    assert isinstance(viewer, MediaViewer) and viewer.photo is not None
    picture = viewer.photo
    qtbot.waitUntil(lambda: picture.has_image, timeout=10_000)
    model = gallery.model
    flow.lock()
    assert model.preview_count == 0
    assert not picture.has_image
    assert gallery not in window.open_forms
