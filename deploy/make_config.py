"""The container's config.yaml: the committed one with the settings a server needs.

Run at image build time (Dockerfile): no console chat (nobody types into a container), the HTTP
server on all interfaces for webhooks and /healthz, data under /var/lib/dutybot. Everything
else — the rule table, platforms — stays as committed; mount your own file over it to change it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

DATA = "/var/lib/dutybot"


def server_config(committed: dict[str, Any]) -> dict[str, Any]:
    """``committed`` with the server settings applied."""
    data = dict(committed)
    data["data_dir"] = DATA
    data["platforms"]["console"]["enabled"] = False
    data["http"] = {**data.get("http", {}), "enabled": True, "host": "0.0.0.0", "port": 8080}
    data["audit"] = {**data.get("audit", {}), "anchor_file": f"{DATA}/anchors/audit-anchors.log"}
    return data


if __name__ == "__main__":
    source = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.stdout.write(yaml.safe_dump(server_config(source), allow_unicode=True, sort_keys=False))
