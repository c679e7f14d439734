"""Certificates: issued on completion, PDFs, verifiable credentials, the verify page."""
