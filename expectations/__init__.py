"""Great Expectations suites and data-quality findings for the Finsam warehouse."""
