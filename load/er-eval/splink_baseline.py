"""Splink (Fellegi-Sunter, DuckDB backend) baseline of `npm run er:eval`.

Reads the evaluation's records (JSON lines, one row per record, no labels), trains one model per comparison set
(u by random sampling, m by expectation maximisation under blocking rules, lambda from deterministic rules), predicts,
clusters at two thresholds and writes each record's cluster as JSON. The TypeScript side scores those clusters with
the same metric code it uses for graphgate.

usage: python splink_baseline.py RECORDS.jsonl OUT.json --auto 0.95 --review 0.5 --seed 7
"""

import argparse
import json
import time

import pandas as pd
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

NAME = [
    cl.NameComparison("first_name"),
    cl.NameComparison("surname"),
    cl.JaroWinklerAtThresholds("middle_name", [0.9]),
]
DOB = [cl.DateOfBirthComparison("dob", input_is_string=True)]
NID = [cl.LevenshteinAtThresholds("nid", [1, 2])]
# One comparison for where someone lives: street line, postcode and city say nearly the same thing, and three
# comparisons of it would count one agreement three times (Fellegi-Sunter assumes the comparisons independent).
PLACE = [
    cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.And(cll.ExactMatchLevel("address"), cll.ExactMatchLevel("postcode")),
            cll.ExactMatchLevel("postcode"),
            cll.And(cll.JaroWinklerLevel("address", 0.9), cll.ExactMatchLevel("city")),
            cll.ElseLevel(),
        ],
    )
]

# What each baseline row compares. "fields" restricts Splink to what graphgate scores: names, birth date, identifier.
MODELS = {
    "splink": {"comparisons": NAME + DOB + NID + PLACE, "blocking": ["first_name", "surname", "dob", "nid", "postcode"]},
    "splink-fields": {"comparisons": NAME + DOB + NID, "blocking": ["first_name", "surname", "dob", "nid"]},
}


def run(df: pd.DataFrame, name: str, auto: float, review: float, seed: int) -> dict:
    spec = MODELS[name]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=spec["comparisons"],
        blocking_rules_to_generate_predictions=[block_on(c) for c in spec["blocking"]],
        retain_intermediate_calculation_columns=False,
    )
    started = time.perf_counter()
    linker = Linker(df, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("nid", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    # EM sessions blocked on different fields, so every comparison's m is estimated in at least one of them.
    for rule in (block_on("dob"), block_on("surname"), block_on("nid")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=min(auto, review) / 10)
    out = {"seconds": 0.0, "pairsScored": int(predictions.as_pandas_dataframe().shape[0]), "clusters": {}}
    for label, threshold in (("auto", auto), ("review", review)):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        out["clusters"][label] = {str(u): str(c) for u, c in zip(clusters["unique_id"], clusters["cluster_id"])}
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("records")
    ap.add_argument("out")
    ap.add_argument("--auto", type=float, default=0.95)
    ap.add_argument("--review", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    df = pd.read_json(a.records, lines=True, dtype=False)
    df = df.astype(object).where(pd.notna(df), None)
    result = {"splinkVersion": splink.__version__, "auto": a.auto, "review": a.review, "models": {}}
    for name in MODELS:
        result["models"][name] = run(df, name, a.auto, a.review, a.seed)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
