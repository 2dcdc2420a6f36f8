"""W3C Bitstring Status List v1.0, in parts; import its public names from
:mod:`microcred.core.status_list`.

* :mod:`.bitstring` -- the bitstring and its ``encodedList`` encoding;
* :mod:`.documents` -- building the issuer's documents;
* :mod:`.parsing` -- validating untrusted entries and status list credentials;
* :mod:`.checker` -- the verifier's status check.
"""
