"""Compiles the translations (.po -> .mo) on every build and install, wheel or editable.

Everything else about the package is declared in pyproject.toml.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        from catalog import compile_all

        compile_all()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
