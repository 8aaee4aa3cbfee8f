# age's native X25519 keys. str(Identity) is the secret "AGE-SECRET-KEY-1..." line;
# str(Recipient) the public "age1..." string. Instances compare by identity, not by value.
from typing import final

__all__ = ["Identity", "Recipient"]

@final
class Identity:
    @classmethod
    def generate(cls) -> Identity: ...
    @classmethod
    def from_str(cls, v: str) -> Identity: ...  # raises pyrage.IdentityError
    def to_public(self) -> Recipient: ...

@final
class Recipient:
    @classmethod
    def from_str(cls, v: str) -> Recipient: ...  # raises pyrage.RecipientError
