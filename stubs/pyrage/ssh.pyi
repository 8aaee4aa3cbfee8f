# SSH keys as age recipients/identities (not used by the project; typed for completeness).
from typing import final

__all__ = ["Identity", "Recipient"]

@final
class Identity:
    @classmethod
    def from_buffer(cls, buf: bytes) -> Identity: ...  # raises pyrage.IdentityError

@final
class Recipient:
    @classmethod
    def from_str(cls, v: str) -> Recipient: ...  # raises pyrage.RecipientError
