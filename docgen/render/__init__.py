"""Rendering: the render context, the Jinja environment, .docx templates and PDF conversion."""
