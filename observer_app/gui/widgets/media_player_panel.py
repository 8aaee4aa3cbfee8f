"""Plays a video or an audio recording straight from its encrypted blob, with seeking.

`QMediaPlayer` reads through `BlobDevice` (chunks decrypted on demand, on FFmpeg's own threads;
no plaintext file). An audio output is set always: without one, a file with sound stalls in
buffering; when the computer has no audio device, the panel says so and plays the picture. The
source URL given to Qt is a neutral word (FFmpeg logs it), never the file's name. Frames come
from a `QVideoSink` and are painted by `VideoFrameView` on the GUI thread. A file Qt cannot
decode is said in words, with an offer to export it (`export_requested`).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QIODevice, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QImage, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtMultimedia import (
    QAudioOutput,
    QMediaDevices,
    QMediaPlayer,
    QVideoFrame,
    QVideoSink,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from observer_app.gui.media.blob_device import BlobDevice
from observer_app.i18n import _
from observer_app.logbook.media import PlaybackReader

NEUTRAL_URL: Final = "evidence"
SEEK_STEP_MS: Final = 5_000


def clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


class VideoFrameView(QWidget):
    """The current frame, scaled to fit and centred (a plain widget: no GPU shader cache)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Video picture"))
        self.frame = QImage()
        self.setMinimumSize(QSize(320, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_frame(self, image: QImage) -> None:
        self.frame = image
        self.update()

    def clear(self) -> None:
        self.frame = QImage()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if not self.frame.isNull():
            scaled = self.frame.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (self.width() - scaled.width()) // 2
            y = (self.height() - scaled.height()) // 2
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.rect().adjusted(x, y, -x, -y), self.frame)
        painter.end()


class MediaPlayerPanel(QWidget):
    export_requested = Signal()
    """The file cannot be played here; the holder asked to export it."""
    first_frame = Signal()

    def __init__(self, reader: PlaybackReader, *, video: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.device = BlobDevice(reader, self)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)  # always: an audio track without one stalls
        self.player.setAudioOutput(self.audio)
        self.sink = QVideoSink(self)
        self.player.setVideoSink(self.sink)
        self.frames_shown = 0
        self.cannot_play = False
        self.picture = VideoFrameView()
        self.picture.setVisible(video)
        self.sink.videoFrameChanged.connect(self._frame)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(_("Player messages"))
        self.notice.setVisible(False)
        self.export_button = QPushButton(_("E&xport a copy to open elsewhere…"))
        self.export_button.setVisible(False)
        self.export_button.clicked.connect(self.export_requested)
        self.play_button = QPushButton(_("&Play"))
        self.play_button.setAccessibleName(_("Play or pause"))
        self.play_button.setToolTip(_("Play or pause (Space)"))
        self.play_button.clicked.connect(self.toggle)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName(_("Position"))
        self.position.setToolTip(_("Seek (Left and Right arrows: 5 seconds)"))
        self.position.setRange(0, 0)
        self.position.sliderMoved.connect(self.seek)
        self.time = QLabel(clock(0))
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.position, 1)
        controls.addWidget(self.time)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not video:
            sound = QLabel(_("Audio recording"))
            sound.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(sound, 1)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.export_button)
        layout.addLayout(controls)
        self.player.positionChanged.connect(self._moved)
        self.player.durationChanged.connect(self._duration)
        self.player.playbackStateChanged.connect(self._state)
        self.player.errorOccurred.connect(self._error)
        self.player.mediaStatusChanged.connect(self._status)
        self.no_audio_device = not QMediaDevices.audioOutputs()
        if self.no_audio_device:
            self._say(
                _("No audio device was found on this computer: the picture plays without sound.")
            )

    def load(self) -> bool:
        """Open the device and show the first frame, paused; False if the blob is closed."""
        if not self.device.open(QIODevice.OpenModeFlag.ReadOnly):
            self._cannot_play(self.device.errorString())
            return False
        self.player.setSourceDevice(self.device, QUrl(NEUTRAL_URL))
        self.player.pause()  # decodes the first frame without running the clock
        return True

    def stop(self) -> None:
        """Stop, let go of the source and close the device (its plaintext chunk goes too)."""
        self.player.stop()
        self.player.setSource(QUrl())
        self.device.close()
        self.picture.clear()

    # -- controls ----------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def seek(self, position_ms: int) -> None:
        self.player.setPosition(max(0, min(position_ms, self.player.duration())))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle()
        elif key == Qt.Key.Key_Left:
            self.seek(self.player.position() - SEEK_STEP_MS)
        elif key == Qt.Key.Key_Right:
            self.seek(self.player.position() + SEEK_STEP_MS)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- the player's news (on the GUI thread) -----------------------------------------------

    @Slot(QVideoFrame)
    def _frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        image = frame.toImage()
        if image.isNull():
            return
        self.picture.show_frame(image)
        self.frames_shown += 1
        if self.frames_shown == 1:
            self.first_frame.emit()

    def _moved(self, position_ms: int) -> None:
        if not self.position.isSliderDown():
            self.position.blockSignals(True)
            self.position.setValue(position_ms)
            self.position.blockSignals(False)
        self.time.setText(f"{clock(position_ms)} / {clock(self.player.duration())}")

    def _duration(self, duration_ms: int) -> None:
        self.position.setRange(0, max(0, duration_ms))
        self._moved(self.player.position())

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(_("&Pause") if playing else _("&Play"))

    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._cannot_play(self.player.errorString())

    def _error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self._cannot_play(text)

    def _cannot_play(self, reason: str) -> None:
        if self.cannot_play:
            return
        self.cannot_play = True
        self._say(
            _(
                "This file cannot be played here ({reason}). Export a copy to open it with "
                "another program: the copy leaves the vault unencrypted."
            ).format(reason=reason or _("unknown format"))
        )
        self.export_button.setVisible(True)
        self.play_button.setEnabled(False)
        self.position.setEnabled(False)

    def _say(self, text: str) -> None:
        shown = self.notice.text()
        self.notice.setText(f"{shown}\n{text}" if shown else text)
        self.notice.setVisible(True)
