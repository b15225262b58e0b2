"""Ready-made steps for corpus pipelines: ``datasets`` (``Dataset.map``) and ``datatrove``
(a formatter and a filter step). Each module imports its framework only where used."""
