"""RDFC-1.0: the W3C RDF Dataset Canonicalization algorithm (SHA-256).

Quads are tuples of canonical N-Quads term strings (see :mod:`.nquads`).  When every
blank node has a unique first-degree hash (the usual case for credentials) the labels
follow from those hashes alone; otherwise the Hash N-Degree Quads algorithm decides, with
a bound on its work so that a hostile dataset cannot make it run for ever (RDFC-1.0 §4.4
requires implementations to defend against that).

Written here because the one Python implementation (pyld's) follows the older URDNA2015
escaping and works on its own dataset objects, which would cost a conversion per call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence

from microcred.core.errors import CanonicalizationError
from microcred.core.rdf.nquads import Quad

#: Default bound on the work (Hash N-Degree Quads calls plus permutations tried), per
#: blank node of the dataset.  The "computable poison" graphs of the RDFC-1.0 test suite
#: need about 500 per node (a few milliseconds); typical credentials need none.
WORK_PER_BLANK_NODE = 1024
#: Default bound on the permutations of one related-hash group (8! = 40,320).
MAX_PERMUTED = 8


def _hasher(algorithm: str) -> Callable[[str], str]:
    constructor = hashlib.sha256 if algorithm == "sha256" else getattr(hashlib, algorithm, None)
    if constructor is None or algorithm not in ("sha256", "sha384", "sha512"):
        raise CanonicalizationError(f"unsupported RDFC-1.0 hash algorithm {algorithm!r}")

    def digest(text: str) -> str:
        return str(constructor(text.encode("utf-8")).hexdigest())

    return digest


class IdentifierIssuer:
    """Issues ``prefix0``, ``prefix1``, ... and remembers the order of issue."""

    __slots__ = ("_counter", "_prefix", "issued")

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is None:
            found = f"{self._prefix}{self._counter}"
            self._counter += 1
            self.issued[existing] = found
        return found

    def copy(self) -> IdentifierIssuer:
        clone = IdentifierIssuer(self._prefix)
        clone._counter = self._counter
        clone.issued = dict(self.issued)
        return clone


class _State:
    """Canonicalization state: the blank node to quads map and the canonical issuer."""

    def __init__(
        self, quads: Sequence[Quad], work_per_node: int, max_permuted: int, algorithm: str
    ) -> None:
        self.hash = _hasher(algorithm)
        self.quads_of: dict[str, list[Quad]] = {}
        quads_of = self.quads_of
        for quad in quads:
            subject, _, obj, graph = quad
            if subject[0] == "_":
                quads_of.setdefault(subject, []).append(quad)
            if obj[0] == "_" and obj != subject:
                quads_of.setdefault(obj, []).append(quad)
            if graph and graph[0] == "_" and graph != subject and graph != obj:
                quads_of.setdefault(graph, []).append(quad)
        self.canonical = IdentifierIssuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        self.calls_left = work_per_node * len(self.quads_of)
        self.max_permuted = max_permuted

    def hash_first_degree(self, node: str) -> str:
        """Hash First Degree Quads (§4.6): the node's quads, itself as _:a, others as _:z."""
        found = self.first_degree.get(node)
        if found is None:
            lines = []
            for subject, predicate, obj, graph in self.quads_of[node]:
                if subject[0] == "_":
                    subject = "_:a" if subject == node else "_:z"
                if obj[0] == "_":
                    obj = "_:a" if obj == node else "_:z"
                if graph:
                    if graph[0] == "_":
                        graph = "_:a" if graph == node else "_:z"
                    lines.append(f"{subject} {predicate} {obj} {graph} .\n")
                else:
                    lines.append(f"{subject} {predicate} {obj} .\n")
            lines.sort()
            found = self.first_degree[node] = self.hash("".join(lines))
        return found

    def hash_related(self, related: str, quad: Quad, issuer: IdentifierIssuer, pos: str) -> str:
        label = self.canonical.issued.get(related) or issuer.issued.get(related)
        text = pos if pos == "g" else f"{pos}{quad[1]}"
        return self.hash(text + (label or self.hash_first_degree(related)))

    def related_groups(self, node: str, issuer: IdentifierIssuer) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for quad in self.quads_of[node]:
            for term, pos in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term != node and term.startswith("_:"):
                    related_hash = self.hash_related(term, quad, issuer, pos)
                    groups.setdefault(related_hash, []).append(term)
        return groups

    def _spend(self) -> None:
        self.calls_left -= 1
        if self.calls_left < 0:
            raise CanonicalizationError(
                "the dataset is too complex to canonicalize (RDFC-1.0 work limit reached)"
            )

    def hash_n_degree(self, node: str, issuer: IdentifierIssuer) -> tuple[str, IdentifierIssuer]:
        self._spend()
        data = []
        for related_hash, nodes in sorted(self.related_groups(node, issuer).items()):
            data.append(related_hash)
            path, issuer = self._choose_path(nodes, issuer)
            data.append(path)
        return self.hash("".join(data)), issuer

    def _choose_path(
        self, nodes: list[str], issuer: IdentifierIssuer
    ) -> tuple[str, IdentifierIssuer]:
        distinct = len(set(nodes))
        if distinct > self.max_permuted:
            raise CanonicalizationError(
                f"the dataset is too complex to canonicalize ({distinct} blank nodes "
                "related in the same way)"
            )
        chosen_path = ""
        chosen_issuer = issuer
        for permutation in distinct_permutations(nodes):
            self._spend()
            found = self._permutation_path(permutation, issuer, chosen_path)
            if found is not None and (not chosen_path or found[0] < chosen_path):
                chosen_path, chosen_issuer = found
        return chosen_path, chosen_issuer

    def _permutation_path(
        self, permutation: tuple[str, ...], issuer: IdentifierIssuer, chosen: str
    ) -> tuple[str, IdentifierIssuer] | None:
        issuer_copy = issuer.copy()
        path = ""
        recursion: list[str] = []
        for related in permutation:
            label = self.canonical.issued.get(related)
            if label is None:
                if related not in issuer_copy.issued:
                    recursion.append(related)
                label = issuer_copy.issue(related)
            path += label
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None
        for related in recursion:
            result_hash, issuer_copy = self.hash_n_degree(related, issuer_copy)
            path += f"{issuer_copy.issue(related)}<{result_hash}>"
            if chosen and len(path) >= len(chosen) and path > chosen:
                return None
        return path, issuer_copy


def distinct_permutations(items: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """Each distinct ordering of ``items`` once, in lexicographic order.

    A node related to another through several quads appears in its related-hash group
    once per quad; orderings that differ only by swapping equal entries give the same path
    and issuer, so trying each once is an optimization that does not change the result
    (``itertools.permutations`` would try n! orderings of one repeated node).
    """
    pool = sorted(items)
    size = len(pool)
    while True:
        yield tuple(pool)
        pivot = size - 2
        while pivot >= 0 and pool[pivot] >= pool[pivot + 1]:
            pivot -= 1
        if pivot < 0:
            return
        swap = size - 1
        while pool[swap] <= pool[pivot]:
            swap -= 1
        pool[pivot], pool[swap] = pool[swap], pool[pivot]
        pool[pivot + 1 :] = reversed(pool[pivot + 1 :])


def canonical_labels(
    quads: Iterable[Quad],
    *,
    work_per_blank_node: int = WORK_PER_BLANK_NODE,
    max_permuted: int = MAX_PERMUTED,
    algorithm: str = "sha256",
) -> dict[str, str]:
    """Map each blank node label of the dataset to its canonical label (``_:c14nN``)."""
    return _labels(list(dict.fromkeys(quads)), work_per_blank_node, max_permuted, algorithm)


def first_degree_hashes(quads: Iterable[Quad], *, algorithm: str = "sha256") -> dict[str, str]:
    """The first-degree hash of each blank node (equal hashes need the full algorithm)."""
    state = _State(list(dict.fromkeys(quads)), WORK_PER_BLANK_NODE, MAX_PERMUTED, algorithm)
    return {node: state.hash_first_degree(node) for node in state.quads_of}


def _labels(
    dataset: list[Quad], work_per_blank_node: int, max_permuted: int, algorithm: str
) -> dict[str, str]:
    state = _State(dataset, work_per_blank_node, max_permuted, algorithm)
    by_hash: dict[str, list[str]] = {}
    for node in state.quads_of:
        by_hash.setdefault(state.hash_first_degree(node), []).append(node)
    shared = []
    for _first_hash, nodes in sorted(by_hash.items()):
        if len(nodes) == 1:
            state.canonical.issue(nodes[0])
        else:
            shared.append(nodes)
    for nodes in shared:
        _issue_shared(state, nodes)
    return state.canonical.issued


def _issue_shared(state: _State, nodes: list[str]) -> None:
    results = []
    for node in nodes:
        if node in state.canonical.issued:
            continue
        issuer = IdentifierIssuer("_:b")
        issuer.issue(node)
        results.append(state.hash_n_degree(node, issuer))
    for _hash, issuer in sorted(results, key=lambda result: result[0]):
        for existing in issuer.issued:
            state.canonical.issue(existing)


def canonicalize(quads: Iterable[Quad], *, algorithm: str = "sha256") -> str:
    """Canonical N-Quads of the dataset: relabelled, one line per quad, code point order."""
    dataset = list(dict.fromkeys(quads))
    labels = _labels(dataset, WORK_PER_BLANK_NODE, MAX_PERMUTED, algorithm)
    lines = []
    for subject, predicate, obj, graph in dataset:
        if subject[0] == "_":
            subject = labels[subject]
        if obj[0] == "_":
            obj = labels[obj]
        if graph:
            if graph[0] == "_":
                graph = labels[graph]
            lines.append(f"{subject} {predicate} {obj} {graph} .\n")
        else:
            lines.append(f"{subject} {predicate} {obj} .\n")
    lines.sort()
    return "".join(lines)
