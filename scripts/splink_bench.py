"""Splink 4 (DuckDB backend) on labeled records written by `kasar-testdata`,
for the side-by-side benchmark with kasar's fuzzy duplicate detection.

    scripts/splink.sh <csv-file> contacts|companies

The model is trained without the labels, as a Splink user would train it:
u by random sampling (fixed seed), the prior from deterministic rules and an
assumed recall, m by expectation maximisation over two blocking rules. The
pairs of the prediction blocking rules (the equivalents of kasar's blocking
keys) are scored, and the `entity` column is then used only to evaluate:
pairwise precision, recall and F1 of the groups (connected components of
the pairs at or above a threshold) over a grid of thresholds.

Prints one JSON object on stdout; Splink's and DuckDB's output goes to
stderr. `wall_seconds` is loading and cleaning the CSV, training, predicting
and clustering at the best threshold: not the interpreter start, not the
imports (`import_seconds`) and not the label evaluation.
"""

import json
import os
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass

IMPORT_START = time.perf_counter()
import duckdb  # noqa: E402
import splink  # noqa: E402
import splink.comparison_level_library as cll  # noqa: E402
import splink.comparison_library as cl  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - IMPORT_START

SEED = 7
U_MAX_PAIRS = 5e6
THRESHOLDS = sorted({round(0.05 * i, 2) for i in range(1, 20)} | {0.99})
USAGE = "usage: splink_bench.py <csv-file> contacts|companies"

# Cleaning shared by both kinds: names lowercased without accents or
# punctuation; e-mails lowercased, their mailbox name without a `+tag` and
# without dots, dashes and underscores, googlemail.com as gmail.com; phones as
# digits (the last seven too, for blocking and a comparison level).
CLEAN_NAME = "nullif(regexp_replace(lower(strip_accents({0})), '[^a-z0-9]', '', 'g'), '')"
CLEAN_EMAIL = "nullif(lower(trim(email)), '')"
EMAIL_USER = (
    "regexp_replace(regexp_replace(split_part(email, '@', 1), '[+].*$', ''), '[._-]', '', 'g')"
)
EMAIL_DOMAIN = "replace(split_part(email, '@', 2), 'googlemail.com', 'gmail.com')"
LEGAL_SUFFIX = " (inc|llc|ltd|gmbh|ag|sa|sarl|bv|corp|co)$"
PHONE_DIGITS = "nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '')"


@dataclass(frozen=True)
class Model:
    """What Splink is told for one kind of record: `records_sql` selects,
    from the table `raw` (the CSV without its labels), the cleaned records
    that Splink reads."""

    records_sql: str
    settings: SettingsCreator
    deterministic_rules: list
    recall: float
    em_rules: list


def exact_then(name, column, weaker, label):
    """A comparison of three levels: `column` equal, else `weaker` equal
    (shown as `label`), else; null when `column` is."""
    return cl.CustomComparison(
        output_column_name=name,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.ExactMatchLevel(weaker).configure(label_for_charts=label),
            cll.ElseLevel(),
        ],
    )


def email_comparison():
    """The same cleaned address, else the same mailbox name at another
    domain, else. No fuzzy level: the mailbox name repeats the person's name,
    so a near-equal mailbox would count the name a second time (Splink
    multiplies the comparisons as if independent) and matches namesakes whose
    mailboxes differ by a digit. No term-frequency adjustment: an address is
    near-unique, and its frequency would count mostly the duplicates
    themselves."""
    return exact_then("email", "email_clean", "email_user", "Same mailbox name")


def phone_comparison():
    """Exact digits, then the same last seven digits (a national form or a
    missing country code), else."""
    return exact_then("phone", "phone_digits", "phone_last7", "Last 7 digits")


def contacts_model():
    """Person name (exact, swapped, Jaro-Winkler on both parts, one part
    exact), e-mail and phone; blocking as kasar's name, mailbox and phone
    keys."""
    cleaned = f"""
        SELECT unique_id::BIGINT AS unique_id,
               {CLEAN_NAME.format("first_name")} AS first_name,
               {CLEAN_NAME.format("last_name")} AS last_name,
               {CLEAN_EMAIL} AS email,
               {PHONE_DIGITS} AS phone_digits
        FROM raw"""
    derived = f"""
        SELECT *,
               concat_ws(' ', first_name, last_name) AS full_name,
               {EMAIL_USER} AS email_user,
               {EMAIL_USER} || '@' || {EMAIL_DOMAIN} AS email_clean,
               right(phone_digits, 7) AS phone_last7
        FROM ({cleaned})"""
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name", "last_name", forename_surname_concat_col_name="full_name"
            ),
            email_comparison(),
            phone_comparison(),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("substr(last_name, 1, 3)", "substr(first_name, 1, 1)"),
            block_on("substr(first_name, 1, 3)", "substr(last_name, 1, 1)"),
            "substr(l.last_name, 1, 3) = substr(r.first_name, 1, 3)"
            " AND substr(l.first_name, 1, 1) = substr(r.last_name, 1, 1)",
            block_on("email_user"),
            block_on("phone_last7"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    return Model(
        records_sql=derived,
        settings=settings,
        deterministic_rules=[
            block_on("email_clean"),
            block_on("first_name", "last_name", "phone_digits"),
        ],
        recall=0.7,
        em_rules=[block_on("first_name", "last_name"), block_on("email_clean")],
    )


def companies_model():
    """Company name (lowercased, without a legal suffix: exact, then
    Jaro-Winkler levels), domain, e-mail and phone; blocking as kasar's name,
    domain and phone keys."""
    cleaned = f"""
        SELECT unique_id::BIGINT AS unique_id,
               nullif(trim(regexp_replace(
                   regexp_replace(lower(strip_accents(name)), '[^a-z0-9]+', ' ', 'g'),
                   '{LEGAL_SUFFIX}', '')), '') AS name,
               nullif(lower(trim(domain)), '') AS domain,
               {CLEAN_EMAIL} AS email,
               {PHONE_DIGITS} AS phone_digits
        FROM raw"""
    derived = f"""
        SELECT *,
               substr(replace(name, ' ', ''), 1, 4) AS name_head,
               {EMAIL_USER} AS email_user,
               {EMAIL_USER} || '@' || {EMAIL_DOMAIN} AS email_clean,
               right(phone_digits, 7) AS phone_last7
        FROM ({cleaned})"""
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.7]),
            cl.ExactMatch("domain"),
            email_comparison(),
            phone_comparison(),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_head"),
            block_on("domain"),
            block_on("phone_last7"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    return Model(
        records_sql=derived,
        settings=settings,
        deterministic_rules=[block_on("domain"), block_on("name", "phone_digits")],
        recall=0.7,
        em_rules=[block_on("domain"), block_on("name")],
    )


def train_and_predict(con, csv_path, model):
    """Loads and cleans the CSV (without its labels), trains, predicts: the
    linker and the scored pairs at or above the lowest threshold."""
    con.execute(
        "CREATE TABLE raw AS SELECT * EXCLUDE (entity)"
        " FROM read_csv(?, header = true, all_varchar = true)",
        [csv_path],
    )
    con.execute(f"CREATE TABLE records AS {model.records_sql}")
    linker = Linker("records", model.settings, DuckDBAPI(con))
    linker.training.estimate_probability_two_random_records_match(
        model.deterministic_rules, recall=model.recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in model.em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLDS[0])
    return linker, predictions


def scored_pairs(con, predictions):
    """(probability, id_l, id_r) of the predicted pairs, most probable first."""
    return con.execute(
        f"SELECT match_probability, unique_id_l, unique_id_r"
        f" FROM {predictions.physical_name}"
        f" ORDER BY match_probability DESC, unique_id_l, unique_id_r"
    ).fetchall()


def labels(con, csv_path):
    """The entity of each record, by unique_id (evaluation only)."""
    rows = con.execute(
        "SELECT unique_id::BIGINT, entity FROM read_csv(?, header = true, all_varchar = true)",
        [csv_path],
    ).fetchall()
    return dict(rows)


class Groups:
    """Union-find over records that keeps, for every group, how many of its
    records each entity has: merging two groups adds |a|·|b| predicted pairs,
    of which the pairs of records of the same entity are true."""

    def __init__(self, entity_of):
        self.entity_of = entity_of
        self.parent = {}
        self.members = {}
        self.predicted = 0
        self.correct = 0

    def root(self, record):
        self.parent.setdefault(record, record)
        while self.parent[record] != record:
            self.parent[record] = self.parent[self.parent[record]]
            record = self.parent[record]
        if record not in self.members:
            self.members[record] = Counter({self.entity_of[record]: 1})
        return record

    def join(self, a, b):
        a, b = self.root(a), self.root(b)
        if a == b:
            return
        small, large = sorted((a, b), key=lambda r: self.members[r].total())
        small_members, large_members = self.members.pop(small), self.members[large]
        self.predicted += small_members.total() * large_members.total()
        self.correct += sum(n * large_members[e] for e, n in small_members.items())
        large_members.update(small_members)
        self.parent[small] = large


def true_pair_count(entity_of):
    """Pairs of records of the same entity."""
    return sum(n * (n - 1) // 2 for n in Counter(entity_of.values()).values())


def evaluate(pairs, entity_of):
    """Precision, recall and F1 of the groups at each threshold of the grid."""
    truth = true_pair_count(entity_of)
    groups, scores, i = Groups(entity_of), [], 0
    for threshold in sorted(THRESHOLDS, reverse=True):
        while i < len(pairs) and pairs[i][0] >= threshold:
            groups.join(pairs[i][1], pairs[i][2])
            i += 1
        precision = groups.correct / groups.predicted if groups.predicted else 0.0
        recall = groups.correct / truth if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(
            {
                "threshold": threshold,
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "predicted_pairs": groups.predicted,
            }
        )
    return sorted(scores, key=lambda s: s["threshold"]), truth


def cluster_pair_count(con, linker, predictions, threshold):
    """Clusters with Splink at `threshold`: the pairs within its clusters."""
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    (count,) = con.execute(
        f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM"
        f" (SELECT count(*) AS n FROM {clusters.physical_name} GROUP BY cluster_id)"
    ).fetchone()
    return int(count)


def run(csv_path, kind):
    """The benchmark's result, as the JSON object to print."""
    model = {"contacts": contacts_model, "companies": companies_model}[kind]()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    start = time.perf_counter()
    linker, predictions = train_and_predict(con, csv_path, model)
    timed = time.perf_counter() - start
    pairs = scored_pairs(con, predictions)
    entity_of = labels(con, csv_path)
    scores, truth = evaluate(pairs, entity_of)
    best = max(scores, key=lambda s: (s["f1"], s["threshold"]))
    start = time.perf_counter()
    clustered = cluster_pair_count(con, linker, predictions, best["threshold"])
    timed += time.perf_counter() - start
    if clustered != best["predicted_pairs"]:
        raise RuntimeError(f"Splink's clusters hold {clustered} pairs, the evaluation's {best}")
    at_0_9 = next(s for s in scores if s["threshold"] == 0.9)
    return {
        "tool": "splink",
        "version": splink.__version__,
        "duckdb": duckdb.__version__,
        "records": len(entity_of),
        "kind": kind,
        "wall_seconds": round(timed, 3),
        "wall_seconds_covers": "load+clean CSV, train, predict, cluster at best threshold",
        "import_seconds": round(IMPORT_SECONDS, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "best_threshold": best["threshold"],
        "precision": round(best["precision"], 4),
        "recall": round(best["recall"], 4),
        "f1": round(best["f1"], 4),
        "f1_at_0_9": round(at_0_9["f1"], 4),
        "predicted_pairs": best["predicted_pairs"],
        "true_pairs": truth,
        "scored_pairs": len(pairs),
        "f1_by_threshold": {str(s["threshold"]): round(s["f1"], 4) for s in scores},
    }


def main(argv):
    """Runs the benchmark; the JSON line goes to the real stdout, anything
    else written to stdout (by Python or by DuckDB's C++ code) to stderr."""
    if len(argv) != 3 or argv[2] not in ("contacts", "companies"):
        print(USAGE, file=sys.stderr)
        return 2
    if not os.path.isfile(argv[1]):
        print(f"splink_bench.py: no such file: {argv[1]}\n{USAGE}", file=sys.stderr)
        return 2
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    result = run(argv[1], argv[2])
    print(json.dumps(result), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
