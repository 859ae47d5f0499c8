# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Stand-in for the pip bootstrap script ansible-test downloads.

ansible-test runs this file as a script with the arguments of the real
bootstrap script: pip's install options, the packages, and the bootstrap's
own ``--no-setuptools``/``--no-wheel``. The pip wheel that ships inside the
interpreter's ensurepip package installs those packages from the package
index.
"""

import ensurepip
import glob
import os
import sys

bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
wheels = sorted(glob.glob(os.path.join(bundled, "pip-*.whl")))
if not wheels:
    sys.exit("get-pip: this Python has no bundled pip wheel in ensurepip")
sys.path.insert(0, wheels[-1])

from pip._internal.cli.main import main  # noqa: E402

own = {"--no-setuptools", "--no-wheel"}
sys.exit(main(["install", *(a for a in sys.argv[1:] if a not in own)]))
