"""The web face of docgen (`docgen serve`): Starlette pages over the same `app/` use cases
the command line runs, and the public certificate verification page."""
