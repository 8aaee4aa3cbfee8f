"""Enrollment by USB: the observer's `request`, the coordinator's `issue` of a setup `package`,
the observer's `accept`; then the observer's `pins`, the coordinator's `roster` and the `trust`
roots both derive from them."""
