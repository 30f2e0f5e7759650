"""A tiny pure-Python reference of the model, written for clarity, not speed.

It follows the rules of DESIGN.md and the step order documented in ``sim.kernels.diffusion``
with plain lists and loops over every agent, and draws its random numbers from its own
implementation of the counter-based generator, so a kernel run and a reference run with the same
key must agree exactly.
"""

import math

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(z: int) -> int:
    z &= MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def draw(key: int, stream: int, step: int, index: int) -> float:
    base = mix(mix(key + stream * GOLDEN) + (step + 1) * GOLDEN)
    return (mix(base + (index + 1) * GOLDEN) >> 11) / 2.0**53


POST, ATTENTION, CASCADE, BASS, EXTERNAL = 1, 2, 3, 4, 5
VIEW, REPOST, TIMING = 8, 9, 10


def delay_draw(spec, key, stream, step, index):
    """One delay in hours: ``spec`` is ("exponential", mean), ("lognormal", median, sigma) or
    ("empirical", values); inverse transform (Box-Muller for the log-normal) of the same
    counter-based draws as the kernel."""
    kind = spec[0]
    if kind == "exponential":
        return -spec[1] * math.log1p(-draw(key, stream, step, index))
    if kind == "lognormal":
        radius = math.sqrt(-2.0 * math.log1p(-draw(key, stream, step, 2 * index)))
        angle = 2.0 * math.pi * draw(key, stream, step, 2 * index + 1)
        return math.exp(math.log(spec[1]) + spec[2] * radius * math.cos(angle))
    values = sorted(spec[1])
    return values[int(draw(key, stream, step, index) * len(values))]


def simulate(
    edges,
    n,
    *,
    rule,
    steps,
    key,
    seeds,
    ties=None,
    expertise=None,
    interest=None,
    threshold=None,
    min_sources=None,
    activity=None,
    attention=None,
    active_steps=1,
    tie_half_life=None,
    reinforcement=0.0,
    memory_half_life=None,
    external_p=0.0,
    bass_q=0.0,
    sponsored_weight=1.0,
    step_hours=24.0,
    view_delay=None,
    repost_delay=None,
    appear=None,
    expire=None,
    tie_age=None,
):
    """Run one replication; ``edges`` is a list of (source, target) in the network's CSR order,
    ``seeds`` a list of (node, step) posts in schedule order (attribution id = position of the
    node among the distinct seeds). Returns adopt_time, first_seen, origin, per-day records and
    ``extra``: per edge the stored ``tie`` and its ``tie_time``, ``tie_today`` (the tie decayed to
    the last day, what the kernel's views report) and ``seen`` (exposed at least once, whatever
    the poster's attention); per agent ``influence`` and ``n_sources``; the adoption ``order``
    and per agent ``parent`` (the poster of the exposure that made it adopt) and ``hours``.

    With a delay (``view_delay``, ``repost_delay``: see :func:`delay_draw`) times are kept in
    hours: a post is seen ``view`` hours later, on the step that time falls in (queued until
    then, in the order queued); an adopter first posts ``repost`` hours after adopting and no
    earlier than the next step, then on the following steps of its active period at the same
    time of step; a cascade adoption happens at the time of its exposure, a threshold adoption
    at the time of its latest dose, a Bass or outside adoption at a uniform time in the step.

    A tie history (``appear``, ``expire``: per edge, the tie exists on steps appear <= t <
    expire; ``tie_age``: steps since its last interaction at step 0) removes the posts over
    ties that do not exist when posted or when seen, decays a tie from its appearance, and
    starts a tie present at step 0 as if last used ``tie_age`` steps earlier.
    """
    ones = [1.0] * n
    expertise = expertise or ones
    interest = interest or ones
    threshold = threshold or [0.0] * n
    min_sources = min_sources or [1] * n
    activity = activity or ones
    attention = attention or ones
    tie = list(ties) if ties else [1.0] * len(edges)
    if tie_age is not None and tie_half_life:
        tie = [
            value * 2.0 ** (-age / tie_half_life) for value, age in zip(tie, tie_age, strict=True)
        ]
    tie0 = list(tie)
    appear = appear or [0] * len(edges)
    expire = expire or [2**31 - 1] * len(edges)
    tie_time = [0] * len(edges)
    seen = [False] * len(edges)
    out_edges = [[e for e, (s, _) in enumerate(edges) if s == i] for i in range(n)]
    seed_order = list(dict.fromkeys(node for node, _ in seeds))
    adopt_time = [-1] * n
    first_seen = [-1] * n
    origin = [-1] * n
    influence = [0.0] * n
    influence_time = [0] * n
    n_sources = [0] * n
    norm = [
        interest[j]
        * sum(tie0[e] * expertise[edges[e][0]] for e in range(len(edges)) if edges[e][1] == j)
        for j in range(n)
    ]
    instigators = [
        j
        for j in range(n)
        if rule in ("threshold", "fractional") and threshold[j] <= 0 and j not in seed_order
    ]
    candidates = []
    records = []
    active = steps if active_steps is None else active_steps
    timed = view_delay is not None or repost_delay is not None
    h = step_hours
    hours = [-1.0] * n
    parent = [-1] * n
    order = []
    starts = [[] for _ in range(steps + 1)]  # timed: adopters by the step their posting opens
    first_post = {}  # timed: when each adopter first posts
    queue = [[] for _ in range(steps + 1)]  # timed: exposures by the step they are seen

    def within_step(j, t):
        return (t + draw(key, TIMING, t, j)) * h

    def adopt(j, t, day):
        order.append(j)
        if first_seen[j] < 0:
            first_seen[j] = t
            day["new_aware"] += 1
        adopt_time[j] = t
        day["new_adopters"] += 1
        if j in seed_order:
            day["new_seed_adopters"] += 1

    for t in range(steps):
        day = dict.fromkeys(
            (
                "posts",
                "edges_touched",
                "exposures",
                "new_aware",
                "new_seed_adopters",
                "new_adopters",
            ),
            0,
        )
        if t == 0:
            # instigators: threshold <= 0 adopt before anything is posted (seeds excepted);
            # they keep no origin, whatever reaches them that day
            for j in instigators:
                hours[j] = 0.0
                adopt(j, t, day)
        posts = []
        for node, when in seeds:
            if when == t:
                if adopt_time[node] < 0:
                    origin[node] = seed_order.index(node)
                    hours[node] = t * h
                    parent[node] = -1
                    adopt(node, t, day)
                posts.append((node, sponsored_weight, t * h))
        if timed:
            for s in range(max(t - active + 1, 0), t + 1):
                for i in starts[s]:
                    if activity[i] < 1.0 and draw(key, POST, t, i) >= activity[i]:
                        continue
                    posts.append((i, 1.0, first_post[i] + (t - s) * h))
        else:
            # adopters inside their active period, in the order they adopted
            for i in order:
                if not t - active <= adopt_time[i] <= t - 1 or i in seed_order:
                    continue
                if activity[i] < 1.0 and draw(key, POST, t, i) >= activity[i]:
                    continue
                posts.append((i, 1.0, t * h))
        day["posts"] = len(posts)
        checks = []
        arrivals = list(queue[t])  # timed: (edge, poster, weight, hours seen), queued first
        for i, weight, posted in posts:
            for e in out_edges[i]:
                day["edges_touched"] += 1
                if not appear[e] <= t < expire[e]:
                    continue
                if attention[i] < 1.0 and draw(key, ATTENTION, t, e) >= attention[i]:
                    continue
                when_seen = posted
                if timed:
                    when_seen = posted + delay_draw(view_delay or ("empirical", [0.0]), key,
                                                    VIEW, t, e)  # fmt: skip
                    step = max(int(when_seen / h), t)
                    if step > t:
                        if step < steps:
                            queue[step].append((e, i, weight, when_seen))
                        continue
                arrivals.append((e, i, weight, when_seen))
        for e, i, weight, when_seen in arrivals:
            if not appear[e] <= t < expire[e]:
                continue
            j = edges[e][1]
            day["exposures"] += 1
            first = not seen[e]
            seen[e] = True
            strength = decayed(tie[e], t - max(tie_time[e], appear[e]), tie_half_life)
            if tie_half_life or reinforcement > 0:
                tie[e] = min(1.0, strength + reinforcement)
                tie_time[e] = t
            else:
                strength = tie0[e]
            instigator = t == 0 and j in instigators
            if (
                first_seen[j] == t
                and not (j in seed_order and adopt_time[j] >= 0)
                and not instigator
            ):
                origin[j] = _earlier(origin[j], origin[i])
            if adopt_time[j] >= 0:
                continue
            if first_seen[j] < 0:
                first_seen[j] = t
                origin[j] = origin[i]
                day["new_aware"] += 1
            if first and rule in ("threshold", "fractional"):
                n_sources[j] += 1
            dose = strength * expertise[i] * interest[j] * weight
            if rule == "cascade":
                if first and draw(key, CASCADE, 0, e) < dose:
                    hours[j] = when_seen
                    parent[j] = i
                    adopt(j, t, day)
                continue
            if rule != "threshold" and not first:
                continue
            if not timed or when_seen >= hours[j]:
                hours[j] = when_seen
                parent[j] = i
            if memory_half_life:
                influence[j] *= 2.0 ** (-(t - influence_time[j]) / memory_half_life)
            influence[j] += dose
            influence_time[j] = t
            if rule == "bass":
                if j not in candidates:
                    candidates.append(j)
            elif j not in checks:
                checks.append(j)
        if rule in ("threshold", "fractional"):
            for j in checks:
                if adopt_time[j] >= 0 or n_sources[j] < min_sources[j]:
                    continue
                level = threshold[j] * (norm[j] if rule == "fractional" else 1.0)
                if rule == "fractional" and norm[j] <= 0:
                    continue
                if influence[j] >= level - 1e-9 * abs(level):
                    adopt(j, t, day)
        if rule == "bass":
            scale = bass_q / (1 - external_p) if external_p < 1 else 0.0
            for j in list(candidates):
                if adopt_time[j] >= 0:
                    candidates.remove(j)
                    continue
                if memory_half_life:
                    influence[j] *= 2.0 ** (-(t - influence_time[j]) / memory_half_life)
                    influence_time[j] = t
                if norm[j] > 0 and draw(key, BASS, t, j) < scale * influence[j] / norm[j]:
                    hours[j] = within_step(j, t)
                    adopt(j, t, day)
                    candidates.remove(j)
        if external_p > 0:
            for j in _external_hits(key, t, external_p, n):
                if adopt_time[j] < 0:
                    hours[j] = within_step(j, t)
                    parent[j] = -1
                    adopt(j, t, day)
        if timed:  # today's organic adopters open their posting windows
            for j in order[len(order) - day["new_adopters"] :]:
                if j in seed_order:
                    continue
                repost = 0.0
                if repost_delay is not None:
                    repost = delay_draw(repost_delay, key, REPOST, 0, j)
                first_post[j] = max(hours[j] + repost, (t + 1) * h)
                s = max(int(first_post[j] / h), t + 1)
                if s < steps:
                    starts[s].append(j)
        records.append(day)
    last = steps - 1
    tie_today = [
        decayed(tie[e], max(last - max(tie_time[e], appear[e]), 0), tie_half_life)
        for e in range(len(edges))
    ]
    extra = {
        "tie": tie,
        "tie_time": tie_time,
        "tie_today": tie_today,
        "seen": seen,
        "influence": influence,
        "n_sources": n_sources,
        "order": order,
        "parent": parent,
        "hours": [hours[j] if timed else adopt_time[j] * h for j in range(n)],
    }
    return adopt_time, first_seen, origin, records, extra


def decayed(strength, days, half_life):
    """A tie ``days`` after its last update: halved every ``half_life`` days (None: kept)."""
    if not half_life:
        return strength
    return strength * 2.0 ** (-days / half_life)


def _earlier(a, b):
    if a < 0 or b < 0:
        return max(a, b)
    return min(a, b)


def _external_hits(key, t, p, n):
    """Agents hit by external influence on day t (geometric skipping, as in the kernel)."""
    hits, j, k = [], -1, 0
    log_miss = math.log1p(-p)
    while True:
        j += 1 + int(math.log1p(-draw(key, EXTERNAL, t, k)) / log_miss)
        k += 1
        if j >= n:
            return hits
        hits.append(j)
