"""statediagram: a desktop lab for stateless vs stateful web tiers."""

__version__ = "0.1.0"
