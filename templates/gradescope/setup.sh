#!/usr/bin/env bash
# Gradescope autograder setup for mlgrade (docs/lms.md, "Gradescope").
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu), with the
# autograder zip extracted to /autograder/source. The zip holds: setup.sh, run_autograder,
# mlgrade.yml (the course config), hidden-data/ (the hidden test sets), and mlgrade.tgz (the mlgrade
# package, made with `npm pack` in a checkout of mlgrade).
set -euo pipefail

# Node 20: Ubuntu's own nodejs package is too old for mlgrade, so install the official binary tarball;
# the version is pinned so every rebuild of the image grades the same way.
NODE_VERSION=20.18.1
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl xz-utils python3 python3-numpy
curl -fsSL "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz" \
  | tar -xJ -C /usr/local --strip-components=1

# mlgrade itself, from the packed tarball shipped in the zip (no registry access needed for it);
# its npm dependencies come from the npm registry.
npm install --global /autograder/source/mlgrade.tgz

# Optional: bubblewrap isolates student code fully (without it mlgrade uses unshare as root).
apt-get install -y --no-install-recommends bubblewrap || echo "bubblewrap not available: mlgrade will use unshare"

mlgrade --version
mlgrade validate /autograder/source/mlgrade.yml
