"""Built-in classroom scenarios and lessons (plain data: no Mesa, no Solara).

The classroom scenarios are ordinary scenarios, validated by the same schema as a YAML file; a
lesson is a set of model keyword arguments with two sentences saying what to look for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.config.schema import Scenario
from sim.errors import InputError

_CLASSROOM_CAMPAIGN = {
    "topic": "fitness",
    "budget": 3000,
    "currency": "USD",
    # in followers on this 500-agent network: nano < 8, micro 8-20, macro 20-50, mega > 50
    "tiers": {"boundaries": [8, 20, 50], "reference_population": 500},
    "prices": {"tiers": {"nano": 25, "micro": 125, "macro": 500, "mega": 1000}},
    "engagement": None,
    "sponsored_weight": 0.8,
}

_POSTS = {"posts": 3, "every": 2}
"""Every classroom strategy posts three times, two days apart."""

CLASSROOM = {
    "name": "classroom",
    "network": {
        "generator": "follower_graph",
        "n": 500,
        "mean_following": 8,
        "max_reach": 0.3,
        "n_communities": 4,
        "homophily": 0.85,
        "reciprocity": 0.4,
        "closure": 0.4,
        "ties": {"dist": "beta", "a": 4, "b": 2},
    },
    "population": {
        "topics": ["fitness", "tech"],
        "expertise": {"home": {"dist": "beta", "a": 4, "b": 2}, "off_topic": 0.15},
        "interest": {"home": {"dist": "beta", "a": 5, "b": 2}, "off_topic": 0.3},
        "threshold": 0.25,
        "min_sources": 1,
        "activity": 0.7,
        "attention": {"mode": "constant", "value": 0.7},
    },
    "dynamics": {"rule": "threshold", "active_steps": 3},
    "campaign": _CLASSROOM_CAMPAIGN,
    "strategies": [
        {"name": "one celebrity", "select": "tier", "tier": "mega", "k": 1, **_POSTS},
        {"name": "several micro", "select": "tier", "tier": "micro", "k": 8, **_POSTS},
        {"name": "many nano", "select": "tier", "tier": "nano", "k": 40, **_POSTS},
        {"name": "relevant expert", "select": "topic", "k": 1, **_POSTS},
        {"name": "random", "select": "random", "k": 5, **_POSTS},
    ],
    "steps": 30,
    "replications": 20,
    "seed": 7,
}


def _ring(name: str, rewiring: float) -> dict:
    return {
        "name": name,
        "network": {"generator": "watts_strogatz", "n": 300, "k": 6, "p": rewiring},
        # one seen post passes 0.5 at unit trust: only the count of sources matters (0 would make
        # every agent an instigator)
        "population": {"threshold": 0.5, "min_sources": 2, "activity": 1.0},
        "dynamics": {"rule": "threshold", "active_steps": 2},
        "strategies": [
            {"name": "four neighbours", "select": "explicit", "ids": [0, 1, 2, 3]},
            {"name": "random", "select": "random", "k": 4},
        ],
        "steps": 70,
        "replications": 20,
        "seed": 3,
    }


BUILT_IN = {
    "classroom": CLASSROOM,
    "clustered ring": _ring("clustered ring", 0.0),
    "random ring": _ring("random ring", 1.0),
}
"""Scenarios the page offers without a file, by name."""

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
"""The repository's scenario folder (present in a source checkout)."""


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario files by stem (empty when the package is installed without them)."""
    if not SHIPPED.is_dir():
        return {}
    return {path.stem: path for path in sorted(SHIPPED.glob("*.yaml"))}


def built_in(name: str) -> Scenario:
    """A built-in classroom scenario, validated like a file."""
    try:
        return Scenario.model_validate(BUILT_IN[name])
    except KeyError:
        raise InputError(
            f"scenario: no built-in scenario {name!r}; choose one of {sorted(BUILT_IN)}"
        ) from None


@dataclass(frozen=True)
class Lesson:
    """A classroom preset: the model's keyword arguments and what to look for."""

    name: str
    look_for: tuple[str, str]
    knobs: dict = field(default_factory=dict)


LESSONS = (
    Lesson(
        "Complex contagion needs clustered ties",
        (
            "Every agent here adopts only after two different neighbours have posted "
            "(min_sources = 2, Centola & Macy 2007): on the clustered ring the four neighbouring "
            "seeds reinforce each other and the idea walks all the way round.",
            "Now open 'random ring', the same number of ties rewired at random, and press play "
            "again: the same four seeds rarely share a follower, so the cascade stalls at once.",
        ),
        {"scenario": "clustered ring", "strategy": "four neighbours", "min_sources": 2},
    ),
    Lesson(
        "An off-topic celebrity moves few people",
        (
            "The celebrity has the most followers, but trust is tie x expertise x interest on "
            "the campaign topic, and this is a tech account talking about fitness.",
            "Watch the adoption curve stay flat; then switch the strategy to 'relevant expert' "
            "(the most expert fitness account, with a handful of followers), or the topic to tech.",
        ),
        {"scenario": "classroom", "strategy": "one celebrity", "topic": "fitness"},
    ),
    Lesson(
        "Relationships fade without interaction",
        (
            "With a tie half-life of 2 days, a follower who has not heard from an account for a "
            "few days trusts it far less, so late posts land on weakened ties.",
            "Compare the final number of adopters with the half-life slider at 0 (ties never "
            "fade): the same seeds reach many more people.",
        ),
        {"scenario": "classroom", "strategy": "several micro", "tie_half_life": 2.0},
    ),
    Lesson(
        "Mike adopts only when both Susan and Tim talk about it",
        (
            "With min_sources = 2 an agent needs posts from two different accounts it follows, "
            "however much it trusts one of them: click an exposed agent to see its sources.",
            "Set min_sources back to 1 and the same seeds convert many agents that had heard "
            "from only one trusted friend.",
        ),
        {"scenario": "classroom", "strategy": "random", "min_sources": 2},
    ),
    Lesson(
        "One celebrity or many micro influencers for the same budget",
        (
            "The budget of $3,000 buys three posts by one celebrity, by eight micro influencers "
            "or by forty nano influencers (the seed count is in the header).",
            "Run each strategy with the same seed: many small voices trusted inside their "
            "communities reach far more people than one distant celebrity.",
        ),
        {"scenario": "classroom", "strategy": "several micro"},
    ),
)
