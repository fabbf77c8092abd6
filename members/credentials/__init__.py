"""Signed credentials for certificates: keys, VC-JWT (Open Badges 3.0), Bitstring status lists.

- keys.py: the association's Ed25519 key from the environment, retired keys, the issuer's did:web
- vc.py: ``credential_issue(CredentialData) -> str`` and ``verify(token) -> dict``
- status_list.py: ``status_list_credential(list_id=, purpose=, set_indexes=) -> str``,
  ``random_free_index(used=)``, ``status_entries_of(credential)`` (for ``POST /api/v1/verify``)
- views.py: ``/.well-known/jwks.json`` and ``/.well-known/did.json``; ``vc_jwt_response(token, ...)``
  serves a credential or status list as ``application/vc+jwt``
- checks.py: production does not start without a signing key (members.E001)
"""
