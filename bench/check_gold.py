"""Check gold annotation files against the format of bench/gold/README.md.

    python bench/check_gold.py [FILE.json ...]      (default: every bench/gold/*.json and tests/gold/*.json)

Prints one line per problem (file: what is wrong) and exits 1 when there is any: unknown types or
predicates, duplicate labels, relations whose ends are not listed entities, literals where the
predicate takes none, quantities without a value. It never reads the texts.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = {
    "Person", "Organization", "GovernmentBody", "MediaOutlet", "SocialMediaPlatform", "SocialMediaAccount",
    "Country", "Region", "City", "Event", "BrandLabel", "CreativeWork", "Quantity", "Proposal",
}
PREDICATES = {
    "issuedBy", "addressee", "respondsTo", "proposer", "submittedTo", "proposalNumber", "location", "country",
    "organizer", "partner", "platform", "brandOf", "date", "measure",
}
LITERAL = {"proposalNumber", "date"}
DOCUMENT = "@document"


def problems(path: Path) -> list[str]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: not readable JSON ({exc})"]
    out: list[str] = []
    if not isinstance(gold.get("documents"), list) or not gold["documents"]:
        out.append(f"{path}: 'documents' must list the annotated file names")
    labels: dict[str, str] = {}
    for entity in gold.get("entities", []):
        label, type_ = entity.get("label"), entity.get("type")
        if not label:
            out.append(f"{path}: an entity without a label: {entity}")
            continue
        if label in labels:
            out.append(f"{path}: the label {label!r} is listed twice")
        labels[label] = type_
        if type_ not in TYPES:
            out.append(f"{path}: {label!r} has the unknown type {type_!r}")
        if not isinstance(entity.get("aliases", []), list):
            out.append(f"{path}: the aliases of {label!r} must be a list")
        if type_ == "Quantity":
            try:
                Decimal(str(entity.get("value")))
            except InvalidOperation:
                out.append(f"{path}: the quantity {label!r} has no decimal value")
    city = gold.get("city")
    if city is not None and labels.get(city) not in ("City", "Region"):
        out.append(f"{path}: the document's place {city!r} is not listed as a City or Region")
    seen = set()
    for relation in gold.get("relations", []):
        s, p, o = relation.get("subject"), relation.get("predicate"), relation.get("object")
        if (s, p, o) in seen:
            out.append(f"{path}: the relation {s} {p} {o} is listed twice")
        seen.add((s, p, o))
        if p not in PREDICATES:
            out.append(f"{path}: unknown predicate {p!r}")
        if s != DOCUMENT and s not in labels:
            out.append(f"{path}: the subject {s!r} of {p} is not a listed entity")
        literal = bool(relation.get("literal"))
        if literal != (p in LITERAL):
            out.append(f"{path}: {s} {p} {o}: 'literal' must be {str(p in LITERAL).lower()} for {p}")
        if not literal and o != DOCUMENT and o not in labels:
            out.append(f"{path}: the object {o!r} of {s} {p} is not a listed entity")
    return out


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted([*(HERE / "gold").glob("*.json"), *(HERE.parent / "tests" / "gold").glob("*.json")])
    found = [line for path in paths for line in problems(path)]
    for line in found:
        print(line)
    print(f"check_gold: {len(paths)} files, {len(found)} problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
