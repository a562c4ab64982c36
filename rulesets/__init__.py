"""The rulesets shipped with perfscore, installed as the package ``perfscore.rulesets`` (see
``[tool.setuptools]`` in pyproject.toml). This folder holds data only: list them with
``perfscore.shipped()`` or ``perfscore rulesets``, load one by id with ``perfscore.load("department-wide")``."""
