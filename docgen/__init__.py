"""docgen: cooperation agreements, deliverables, letters and certificates for Ombudsman RI."""

__version__ = "0.1.0"
