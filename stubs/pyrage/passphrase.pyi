# age scrypt passphrase encryption (whole message in memory).
__all__ = ["decrypt", "encrypt"]

def encrypt(plaintext: bytes, passphrase: str, armored: bool = False) -> bytes: ...
def decrypt(ciphertext: bytes, passphrase: str) -> bytes: ...  # raises pyrage.DecryptError
