"""Package layout that pyproject.toml cannot express: the repository's top-level ``models/``
and ``seeds/`` ship inside the package as ``mtclean/_models`` and ``mtclean/_seeds``.

They stay at the top of the repository (where training writes the model and where people look
for the seeds); a wheel carries every file in them as package data, so an installed mtclean
(``pip install .``, a Spark/Ray worker) loads them through ``importlib.resources`` (see
``mtclean.paths``). Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

# package inside the wheel -> folder at the top of the repository
SHIPPED = {"mtclean._models": "models", "mtclean._seeds": "seeds"}

setup(
    packages=[
        *find_namespace_packages(include=["mtclean", "mtclean.*"], exclude=["*.__pycache__"]),
        *SHIPPED,
    ],
    package_dir=SHIPPED,
    package_data={
        "mtclean": ["py.typed", "resources/*", "display/*.css", "display/*.js"],
        # every file, including ones added later (e.g. models/masked.pt)
        **{name: ["**/*"] for name in SHIPPED},
    },
    exclude_package_data={name: ["**/__pycache__/*", "**/*.pyc"] for name in SHIPPED},
)
