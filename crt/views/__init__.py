"""CRT pages, one module per subject: ``start`` (the CRT start page), ``persons`` (registration,
corrections), ``dossiers`` (the case managers' dossiers and their actions), ``reports``
(published aggregates). Interfaces only: they call selectors and services; ``common`` holds the
access decorators (404 without a matching CRT role) and the form-to-service helper."""
