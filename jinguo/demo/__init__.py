"""Demo and generated data, at the top of the house: `jinguo load_demo` (a demo prefecture built
through the services, one part per app) and `jinguo generate` (synthetic rows at city scale for
the bench/ suite). It may import every app; no app imports it."""
