"""Enrollment by USB: the observer's request, the coordinator's setup package, the pin.

request (observer -> coordinator): name, accreditation, public signing key, age recipient;
  signed with the key it carries (proof of possession, like a certificate request). Plain by
  default (the coordinator's recipient is not known yet), sealed to `--recipient` when it is.
setup package (coordinator -> observer): mission, assigned stations, the coordinator's public
  keys and certificate, the organisation CA, and the observer's certificate issued by that CA;
  signed by the coordinator, sealed to the observer.
accept (observer): verify, pin the coordinator (`coordinator.pinned`), record the issued
  certificate (`identity.certificate`, and the identity table that signs reports), declare the
  mission and the assigned stations in the observer's own feed. A package from another
  coordinator than the pinned one needs its fingerprint spelled out.

Fingerprints are shown in 16 groups of 4 so they can be compared aloud or on paper.
docs/formats/enrollment.md is the byte-level description.

Each step lives in its own module (`enroll_request`, `enroll_issue`, `enroll_package`,
`enroll_accept`) because each runs in a different vault role and needs different keys; this
module keeps the one import place the command line, the tests and the benchmarks use.
"""

from __future__ import annotations

from observer_app.handoff.enroll_accept import AcceptedPackage, accept_package
from observer_app.handoff.enroll_issue import IssuedPackage, issue_package
from observer_app.handoff.enroll_package import PACKAGE_TYPE, SetupPackage, read_package
from observer_app.handoff.enroll_request import (
    REQUEST_TYPE,
    EnrollmentRequest,
    WrittenRequest,
    read_request,
    write_request,
)

__all__ = [
    "PACKAGE_TYPE",
    "REQUEST_TYPE",
    "AcceptedPackage",
    "EnrollmentRequest",
    "IssuedPackage",
    "SetupPackage",
    "WrittenRequest",
    "accept_package",
    "issue_package",
    "read_package",
    "read_request",
    "write_request",
]
