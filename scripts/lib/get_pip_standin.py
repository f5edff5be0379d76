"""Stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test bootstraps pip in each virtual environment it creates by running a
get-pip.py that it downloads from ci-files.testing.ansible.com and caches at
~/.ansible/test/cache/get_pip_<version>.py. Where that host is unreachable,
scripts/setup copies this file to that cache path. It takes the same arguments
as get-pip.py (pip options and requirement specifiers such as pip==24.2, plus
--no-setuptools / --no-wheel), bootstraps the pip bundled with Python through
ensurepip, then lets that pip install the requested packages from the
configured package index.
"""

from __future__ import annotations

import subprocess
import sys


def main(argv: list[str]) -> int:
    no_setuptools = "--no-setuptools" in argv
    no_wheel = "--no-wheel" in argv
    args = [arg for arg in argv if arg not in ("--no-setuptools", "--no-wheel")]

    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *args], check=True)

    unwanted = [name for name, skip in (("setuptools", no_setuptools), ("wheel", no_wheel)) if skip]
    for name in unwanted:
        installed = subprocess.run(
            [sys.executable, "-m", "pip", "show", "--quiet", name],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if installed.returncode == 0:
            subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", name], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
