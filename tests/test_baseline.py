"""The flagship scenario still gives the numbers recorded in tests/baselines/.

A failure means results moved for the same scenario and seed. If the change is intended,
refresh with ``python tests/update_baseline.py`` and add a **[results]** entry to CHANGELOG.md.
"""

import json

import pytest

from tests.update_baseline import BASELINE, flagship_summary


def test_flagship_matches_baseline():
    expected = json.loads(BASELINE.read_text())
    actual = flagship_summary()
    assert actual["best"] == expected["best"]
    assert actual["strategies"].keys() == expected["strategies"].keys()
    for name, columns in expected["strategies"].items():
        for column, value in columns.items():
            assert actual["strategies"][name][column] == pytest.approx(value, rel=1e-9), (
                f"{name}.{column} moved: run tests/update_baseline.py if intended"
            )
