#!/usr/bin/env python3
"""Writes crates/domain/fixtures/phones.json: phone numbers in many written
forms, each with the match key that `normalize_phone` must give it under the
regions US and DE and under the number's own region, as computed here with
Google's libphonenumber (the Python `phonenumbers` package, pinned in
scripts/requirements-phone.txt to the metadata version of the Rust crate).

The Rust test `duplicates::phone_fixture_tests` checks every entry, and also
checks that the metadata and Unicode tables the Rust side uses are the ones
recorded here.

    python3 -m venv /tmp/venv-phone
    /tmp/venv-phone/bin/pip install -r scripts/requirements-phone.txt
    /tmp/venv-phone/bin/python scripts/phone_fixture.py          # rewrite
    /tmp/venv-phone/bin/python scripts/phone_fixture.py --check  # compare

The match key (the rule `crates/domain/src/duplicates/phone.rs` documents):

1. Vanity: when the number as libphonenumber extracts it (from its first
   digit or plus sign) holds three or more ASCII letters, and the extension
   mark libphonenumber finds in it is glued to a preceding letter (the X of
   `1-800-FAX-2000`), the letters of that extracted number are read as keypad
   digits first (`convert_alpha_characters_in_number`): `1-800-329-2000`.
2. `phonenumbers.parse(text, region)`; when it parses and
   `is_possible_number` holds (lengths of full or local-only numbers), the key
   is the E.164 form (`+<country code><national number>`, no extension).
3. Otherwise the key is the digits of the extracted number, its extension
   removed by libphonenumber's rule (`_maybe_strip_extension`): every Unicode
   decimal digit (category Nd) as its ASCII digit; letters as keypad digits
   when there are three or more ASCII letters (libphonenumber's alpha rule),
   dropped otherwise. No key (null) when that leaves no digit.
"""

import argparse
import hashlib
import json
import random
import sys
import unicodedata
from pathlib import Path

import phonenumbers as pn
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType
from phonenumbers import phonenumberutil as pnu

PINNED = "9.0.33"
SEED = 20240611
FIXTURE = Path(__file__).resolve().parent.parent / "crates/domain/fixtures/phones.json"
KEY_REGIONS = ("US", "DE")
PER_REGION = 30  # distinct valid numbers per home region
RANDOM_FORMS = 3  # random written forms per number (besides the full set for a few)

HOME_REGIONS = (
    "US CA PR BS JM GB GG JE IM IE DE AT CH LI FR MC BE NL LU IT VA SM ES PT "
    "SE NO DK FI AX PL CZ SK HU RO GR RU KZ UA TR IL AE SA EG MA ZA NG KE IN PK "
    "CN HK TW JP KR SG MY ID TH VN PH AU NZ CX BR AR MX CO CL PE VE"
).split()
NON_GEO = (800, 808, 870, 878, 881, 882, 883, 888, 979)
TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
)

# The defects of the brief and the contract's examples, keyed under US and DE.
EXTRA_TEXTS = [
    "+4420-7946-0123", "+44 20 7946 0123", "+331.45.67.89.01", "+33 1 45 67 89 01",
    "+447911-123456", "+44 7911 123456", "+813-1234-5678", "+81 3 1234 5678",
    "+612-9876-5432", "+61 2 9876 5432",
    "（５５５）２４６-８０９９", "٥٥٥٣٣٣٤٤٤٤", "555-333-4444", "۵۵۵-۳۳۳-۴۴۴۴",
    "1-800-FAX-2000", "1-800-BOX-1234", "1-800-329-2000", "1-800-269-1234", "1-800-FLOWERS",
    "1-800-TEXT-123", "1-800-FLOWERS ext. 12",
    "0049 89 1234567", "+49 89 1234567", "089 1234567", "011 49 89 1234567",
    "0033 1 23 45 67 89", "011 33 1 23 45 67 89", "+0049 89 1234567", "+011 49 89 1234567",
    "+1 (555) 123-4567", "555.123.4567", "15551234567", "(555) 123-4567", "  555 123 4567  ",
    "tel:+1-555-123-4567", "555-123-4567 ext. 89", "555-123-4567 x89", "555-123-4567 EXT 89",
    "555-123-4567#89", "tel:+1-555-123-4567;ext=89", "+1 650 253 0000", "650-253-0000",
    "555-1234", "12", "123456789012345678", "+999 123 456", "abc 12-3", "fax: 555 123",
    "555, 12", "(530) 583-6985 x302/x2303", "tel:03-331-6005;phone-context=+64",
    "tel:+64-3-331-6005;isub=12345", "", "   ", "n/a", "+", "  2 22#:", "++1", "((((", "0",
    "00", "000", "0000000000000000000000000000000", "+00 1234567", "x123", "ext", "+1 ext 5",
    "１２３４５６７８９０", "☎ 555 123 4567 📞", "tel:", "tel:;ext=1",
    "99999999999999999999999999999999999999", "+1-555-123-4567;;;", "%%%", "é", "+é1", "011",
    "0110", "+33", "1e10", "-5", "555²", "+1 555 123 4567 ſ", "+1 555 ıı1 4567", "+1 555 ſſſ 4567",
    "1" * 251, "+1 " + "5" * 248,
]


def match_key(text, region):
    """The match key of `text` under `region` (see the module doc)."""
    text = vanity(text)
    try:
        number = pn.parse(text, region)
    except pn.NumberParseException:
        number = None
    if number is not None and pn.is_possible_number(number):
        return pn.format_number(number, PhoneNumberFormat.E164)
    return fallback(text)


def vanity(text):
    """Step 1 of the key: a vanity number's letters as keypad digits."""
    number = pnu._extract_possible_number(text)
    if not pnu.fullmatch(pnu._VALID_ALPHA_PHONE_PATTERN, number):
        return text
    mark = pnu._EXTN_PATTERN.search(number)
    if mark is None or mark.start() == 0:
        return text
    glued = number[mark.start() - 1 : mark.start() + 1]
    if all(c.isascii() and c.isalpha() for c in glued):
        return pn.convert_alpha_characters_in_number(number)
    return text


def fallback(text):
    """Step 3 of the key: the digits of the number without its extension."""
    number = pnu._extract_possible_number(text)
    _, number = pnu._maybe_strip_extension(number)
    if pnu.fullmatch(pnu._VALID_ALPHA_PHONE_PATTERN, number):
        digits = pnu._normalize_helper(number, pnu._ALPHA_PHONE_MAPPINGS, True)
    else:
        digits = "".join(
            str(unicodedata.decimal(c)) for c in number if unicodedata.category(c) == "Nd"
        )
    return digits or None


def numbers(rng):
    """Distinct valid numbers: libphonenumber's examples per region and type,
    then random valid variants of them, PER_REGION per region."""
    out = []
    for region in HOME_REGIONS:
        examples = [pn.example_number_for_type(region, t) for t in TYPES]
        examples = [e for e in examples if e is not None]
        out.extend((region, n) for n in variants(rng, examples, PER_REGION))
    for code in NON_GEO:
        example = pn.example_number_for_non_geo_entity(code)
        out.extend((None, n) for n in variants(rng, [example], 4))
    return out


def variants(rng, examples, count):
    seen, found = set(), []
    for n in examples:
        e164 = pn.format_number(n, PhoneNumberFormat.E164)
        if e164 not in seen:
            seen.add(e164)
            found.append(n)
    for _ in range(count * 200):
        if len(found) >= count:
            break
        base = rng.choice(examples)
        nsn = pnu.national_significant_number(base)
        k = rng.randint(2, max(2, min(6, len(nsn) - 2)))
        new = nsn[:-k] + "".join(rng.choice("0123456789") for _ in range(k))
        n = pn.parse("+%d%s" % (base.country_code, new))
        e164 = pn.format_number(n, PhoneNumberFormat.E164)
        if pn.is_valid_number(n) and e164 not in seen:
            seen.add(e164)
            found.append(n)
    return found[:count]


def metadata_rows():
    rows = []
    for region in sorted(pnu.SUPPORTED_REGIONS):
        rows.append(metadata_row(PhoneMetadata.metadata_for_region(region)))
    for code in sorted(pnu.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        rows.append(metadata_row(PhoneMetadata.metadata_for_nongeo_region(code)))
    return rows


def metadata_row(m):
    general = m.general_desc
    return {
        "id": m.id,
        "cc": m.country_code,
        "main": pn.region_code_for_country_code(m.country_code),
        "idd": m.international_prefix,
        "np": m.national_prefix,
        "npfp": m.national_prefix_for_parsing,
        "transform": m.national_prefix_transform_rule,
        "general_sha256": hashlib.sha256(general.national_number_pattern.encode()).hexdigest(),
        "lengths": list(general.possible_length),
        "local": list(general.possible_length_local_only),
    }


def nd_zeros():
    return [
        c
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Nd" and unicodedata.decimal(chr(c)) == 0
    ]

# ---------------------------------------------------------------------------
# Written forms: each takes a number and the RNG, gives a text or None.

FULLWIDTH = str.maketrans("0123456789+()-", "０１２３４５６７８９＋（）－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
KEYPAD = {d: [k for k, v in pnu._ALPHA_MAPPINGS.items() if v == d] for d in "23456789"}


def fmt(n, style):
    return pn.format_number(n, style)


def intl(n):
    return fmt(n, PhoneNumberFormat.INTERNATIONAL)


def nat(n):
    return fmt(n, PhoneNumberFormat.NATIONAL)


def e164(n):
    return fmt(n, PhoneNumberFormat.E164)


def nsn(n):
    return pnu.national_significant_number(n)


def cc(n):
    return str(n.country_code)


def after_cc(n):
    """The international format without `+<cc> `."""
    text = intl(n)
    prefix = "+%s " % cc(n)
    return text[len(prefix):] if text.startswith(prefix) else nsn(n)


def paren_area(n):
    groups = after_cc(n).replace("-", " ").split(" ")
    if len(groups) < 2:
        return None
    return "+%s (%s) %s" % (cc(n), groups[0], " ".join(groups[1:]))


def trunk_zero(n):
    region = pn.region_code_for_country_code(n.country_code)
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.national_prefix != "0":
        return None
    return "+%s (0)%s" % (cc(n), after_cc(n))


def vanity_of(text, rng):
    """The last run of 3 to 7 digits 2-9 written as keypad letters."""
    chars = list(text)
    run = [i for i, c in enumerate(chars) if c.isdigit()]
    picked = []
    for i in reversed(run):
        if chars[i] not in KEYPAD or len(picked) == 7:
            break
        picked.append(i)
    if len(picked) < 3:
        return None
    for i in picked:
        chars[i] = rng.choice(KEYPAD[chars[i]])
    return "".join(chars)


def swap_space(text, new, count=-1):
    return text.replace(" ", new, count)


FORMS = {
    "e164": lambda n, r: e164(n),
    "intl_spaces": lambda n, r: intl(n),
    "intl_dashes": lambda n, r: swap_space(intl(n), "-"),
    "intl_dots": lambda n, r: swap_space(intl(n).replace("-", " "), "."),
    "intl_compact_after_cc": lambda n, r: "+%s %s" % (cc(n), nsn(n)),
    "intl_glued_cc": lambda n, r: "+%s%s" % (cc(n), swap_space(after_cc(n), "-")),
    "intl_paren_area": lambda n, r: paren_area(n),
    "intl_trunk_zero": lambda n, r: trunk_zero(n),
    "paren_plus_cc": lambda n, r: "(+%s) %s" % (cc(n), after_cc(n)),
    "national": lambda n, r: nat(n),
    "national_digits": lambda n, r: pnu.normalize_digits_only(nat(n)),
    "national_dashes": lambda n, r: swap_space(nat(n).replace("(", "").replace(")", ""), "-"),
    "national_dots": lambda n, r: swap_space(
        nat(n).replace("(", "").replace(")", "").replace("-", " "), "."),
    "national_slash": lambda n, r: swap_space(nat(n), "/", 1),
    "nsn_only": lambda n, r: nsn(n),
    "cc_without_plus": lambda n, r: "%s %s" % (cc(n), nsn(n)),
    "rfc3966": lambda n, r: fmt(n, PhoneNumberFormat.RFC3966),
    "tel_e164": lambda n, r: "tel:" + e164(n),
    "tel_upper_space": lambda n, r: "TEL: " + intl(n),
    "label_prefix": lambda n, r: r.choice(["Tel: ", "Phone: ", "Mob. ", "Fax "]) + intl(n),
    "ext_dot": lambda n, r: intl(n) + " ext. %d" % r.randint(1, 9999),
    "ext_x": lambda n, r: e164(n) + " x%d" % r.randint(1, 9999),
    "ext_hash": lambda n, r: nat(n) + " #%d" % r.randint(1, 999),
    "ext_rfc3966": lambda n, r: fmt(n, PhoneNumberFormat.RFC3966) + ";ext=%d" % r.randint(1, 999),
    "ext_word": lambda n, r: intl(n) + " extension %d" % r.randint(1, 99999),
    "ext_commas": lambda n, r: e164(n) + ",,%d" % r.randint(1, 999),
    "ext_semicolon": lambda n, r: nat(n) + ";%d" % r.randint(1, 999),
    "second_number": lambda n, r: nat(n) + " x12/x34",
    "spaces_around": lambda n, r: "  " + intl(n) + " \t",
    "trailing_punctuation": lambda n, r: intl(n) + r.choice([".", ")", " -", ";", " /"]),
    "nbsp_and_en_dash": lambda n, r: swap_space(intl(n), "\u00a0").replace("-", "\u2013"),
    "fullwidth": lambda n, r: intl(n).translate(FULLWIDTH),
    "fullwidth_national": lambda n, r: nat(n).translate(FULLWIDTH),
    "arabic_indic_national": lambda n, r: nat(n).translate(ARABIC_INDIC),
    "arabic_indic_e164": lambda n, r: e164(n).translate(ARABIC_INDIC),
    "persian_digits": lambda n, r: intl(n).translate(PERSIAN),
    "devanagari_digits": lambda n, r: nat(n).translate(DEVANAGARI),
    "idd_us_011": lambda n, r: "011 %s %s" % (cc(n), nsn(n)),
    "idd_de_00": lambda n, r: "00 %s %s" % (cc(n), after_cc(n)),
    "plus_and_idd": lambda n, r: "+00 %s %s" % (cc(n), nsn(n)),
    "vanity_intl": lambda n, r: vanity_of(intl(n), r),
    "vanity_national": lambda n, r: vanity_of(nat(n), r),
    "truncated": lambda n, r: e164(n)[:-2],
    "extra_digit": lambda n, r: intl(n) + str(r.randint(0, 9)),
}



def build():
    rng = random.Random(SEED)
    cases, seen = [], set()

    def add(text, form, home):
        regions = KEY_REGIONS + ((home,) if home and home not in KEY_REGIONS else ())
        if (text, home) in seen:
            return
        seen.add((text, home))
        keys = {r: match_key(text, r) for r in regions}
        cases.append({"t": text, "f": form, "r": home, "k": keys})

    for text in EXTRA_TEXTS:
        add(text, "defects_and_contract", None)
    nums = numbers(rng)
    full_set = {id(n) for i, (_, n) in enumerate(nums) if i % PER_REGION == 0}
    for home, n in nums:
        names = sorted(FORMS)
        chosen = names if id(n) in full_set else rng.sample(names, RANDOM_FORMS)
        for name in chosen:
            text = FORMS[name](n, rng)
            if text is not None:
                add(text, name, home)
    countries = sorted({h for h, _ in nums if h} | {"001"})
    return {
        "generator": "scripts/phone_fixture.py",
        "phonenumbers": pn.__version__,
        "unicode": unicodedata.unidata_version,
        "seed": SEED,
        "numbers": len(nums),
        "forms": sorted(FORMS),
        "countries": countries,
        "country_codes": sorted(pnu.COUNTRY_CODE_TO_REGION_CODE),
        "nd_zeros": nd_zeros(),
        "metadata": metadata_rows(),
        "cases": cases,
    }


def dump(data):
    """JSON with one case per line (readable diffs)."""
    head = {k: v for k, v in data.items() if k not in ("metadata", "cases")}
    lines = ["{"]
    for k, v in head.items():
        lines.append("%s: %s," % (json.dumps(k), json.dumps(v, ensure_ascii=False)))
    for name in ("metadata", "cases"):
        lines.append('"%s": [' % name)
        rows = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in data[name]]
        lines.append(",\n".join(rows))
        lines.append("]," if name == "metadata" else "]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=FIXTURE)
    parser.add_argument("--check", action="store_true", help="fail if the file differs")
    args = parser.parse_args()
    if pn.__version__ != PINNED:
        sys.exit("phonenumbers %s installed, %s pinned" % (pn.__version__, PINNED))
    text = dump(build())
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        sys.exit(0 if same else "%s is not what the generator writes" % args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print("%d cases, %d numbers, %d forms, %d countries -> %s" % (
        len(data["cases"]), data["numbers"], len(data["forms"]), len(data["countries"]), args.out))


if __name__ == "__main__":
    main()
