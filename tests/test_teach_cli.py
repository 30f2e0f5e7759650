"""``influence-sim teach``: loopback by default, remote only when asked, export without a
server."""

import pytest

pytest.importorskip("mesa")
pytest.importorskip("solara")

from sim.cli import main
from sim.cli.teach import is_loopback


def test_a_non_loopback_host_needs_an_explicit_flag(capsys, monkeypatch):
    assert main(["teach", "--host", "0.0.0.0", "--no-open"]) == 2
    assert "--allow-remote" in capsys.readouterr().err
    served = {}
    monkeypatch.setattr(
        "sim.teach.adapter.serve",
        lambda app, host, port, open_browser: served.update(host=host, port=port) or 0,
    )
    assert main(["teach", "--host", "0.0.0.0", "--allow-remote", "--port", "9999"]) == 0
    assert "warning: serving the teaching page on 0.0.0.0:9999" in capsys.readouterr().err
    assert served == {"host": "0.0.0.0", "port": 9999}
    assert main(["teach", "--no-open"]) == 0 and served["host"] == "127.0.0.1"


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_export_writes_the_file_without_a_server(tmp_path, capsys):
    target = tmp_path / "curve.png"
    assert main(["teach", "--export", str(target), "random ring", "--seed", "2"]) == 0
    assert target.read_bytes()[:4] == b"\x89PNG"
    assert main(["teach", "--export", str(tmp_path / "x.pdf"), "random ring"]) == 2
    assert "FILE must end in .gif, .mp4 or .png" in capsys.readouterr().err
