"""Signed, machine-readable certificates: Open Badges 3.0 / W3C Verifiable Credentials.

Key: one Ed25519 key for the platform, derived with HKDF-SHA256 from ``LMS_SECRET_KEY``, so
there is no key file to manage and every worker signs with the same key. Rotating the secret
key rotates the signing key: credentials signed before no longer verify against the published
key (re-fetching a credential re-signs it with the new key; the certificates stay valid).

Proof: a Data Integrity proof with the ``eddsa-jcs-2022`` cryptosuite: the signature covers
SHA-256(JCS(proof options)) ‖ SHA-256(JCS(credential without proof)); JCS here is sorted keys,
no whitespace, UTF-8 (the documents hold only strings, lists and objects, so that is exact).
The public key is published as a Multikey at ``/api/issuer.json`` (and
``/.well-known/lms-issuer.json``); ``verify`` is what any verifier does with it.
"""

from __future__ import annotations

import functools
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CRYPTOSUITE = "eddsa-jcs-2022"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_MULTICODEC = b"\xed\x01"


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + _B58.index(ch)  # ValueError on a foreign character
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


@functools.lru_cache(maxsize=4)
def signing_key(secret_key: str) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lms-certificates",
                info=b"ed25519 credential signing key v1").derive(secret_key.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_multibase(secret_key: str) -> str:
    return "z" + _b58encode(_ED25519_MULTICODEC + _raw_public(signing_key(secret_key).public_key()))


def key_from_multibase(value: str) -> Ed25519PublicKey:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("not a base58btc multibase key")
    raw = _b58decode(value[1:])
    if not raw.startswith(_ED25519_MULTICODEC) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hash_data(unsecured: dict, options: dict) -> bytes:
    return hashlib.sha256(canonical(options)).digest() + hashlib.sha256(canonical(unsecured)).digest()


def issuer_profile(base_url: str, site_name: str, secret_key: str) -> dict:
    """The issuer's public profile with its verification key (what verifiers fetch)."""
    issuer_id = f"{base_url}/api/issuer.json"
    return {
        "@context": CONTEXTS + ["https://w3id.org/security/multikey/v1"],
        "id": issuer_id,
        "type": ["Profile"],
        "name": site_name,
        "url": base_url,
        "verificationMethod": [{
            "id": f"{issuer_id}#key-1",
            "type": "Multikey",
            "controller": issuer_id,
            "publicKeyMultibase": public_multibase(secret_key),
        }],
        "assertionMethod": [f"{issuer_id}#key-1"],
    }


def credential_document(base_url: str, site_name: str, cert: dict) -> dict:
    """The unsigned OpenBadgeCredential for a certificate DTO (listed fields only)."""
    number = cert["number"]
    issuer_id = f"{base_url}/api/issuer.json"
    return {
        "@context": CONTEXTS,
        "id": f"{base_url}/api/credentials/{number}.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{cert['course_title']}: certificate of completion",
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": site_name, "url": base_url},
        "validFrom": cert["issued_iso"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": cert["learner_name"]}],
            "achievement": {
                "id": f"{base_url}/verify/{number}#achievement",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": cert["course_title"],
                "description": f"Completed every lesson of {cert['course_title']}, taught by {cert['teacher_name']}.",
                "criteria": {"narrative": "Every lesson complete and every graded quiz and assignment passed."},
                "creator": {"id": f"{issuer_id}#teacher", "type": ["Profile"], "name": cert["teacher_name"]},
            },
            "completionDate": cert["completed_iso"],
            "certificateNumber": number,
        },
        "evidence": [{"id": f"{base_url}/verify/{number}", "type": ["Evidence"], "name": "Verification page"}],
    }


def sign(document: dict, base_url: str, secret_key: str, created: str) -> dict:
    """The document with an eddsa-jcs-2022 DataIntegrityProof added."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": f"{base_url}/api/issuer.json#key-1", "proofPurpose": "assertionMethod",
               "@context": unsecured["@context"]}
    signature = signing_key(secret_key).sign(_hash_data(unsecured, options))
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = "z" + _b58encode(signature)
    return {**unsecured, "proof": proof}


def verify(credential: object, public_key_multibase: str) -> bool:
    """True when the credential's proof was made by this key over exactly this content."""
    try:
        if not isinstance(credential, dict) or not isinstance(credential.get("proof"), dict):
            return False
        proof = dict(credential["proof"])
        if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
            return False
        value = proof.pop("proofValue", None)
        if not isinstance(value, str) or not value.startswith("z"):
            return False
        unsecured = {k: v for k, v in credential.items() if k != "proof"}
        options = {**proof, "@context": unsecured.get("@context")}
        key_from_multibase(public_key_multibase).verify(_b58decode(value[1:]), _hash_data(unsecured, options))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


