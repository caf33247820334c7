# ruff: noqa: E501  (rows of made-up data read best one to a line)
"""Messy SurveyMonkey exports of an earlier round, made up but realistic, with every row's truth labelled.

`generate(rows, seed)` makes the responses; `expanded_csv`, `condensed_csv` and `xlsx` write them in
SurveyMonkey's two layouts. What makes them messy, as real exports are: start dates typed in a dozen ways
("2014/15", "Summer 2013", "Oct-15", "TBC"...), telephone numbers with extensions, email addresses that are not
("j.smith@lincsfire", "n/a"), organisations as abbreviations, former names, PCC office names and Welsh names,
and a few that match nothing; non-breaking and doubled spaces and stray line breaks; test responses, blank
and part-filled ones; the same project sent by two or three of its partners (each naming itself as lead, in
its own words); and look-alikes (another project of the same town and theme) that are not the same project.

Each Response carries `group` (the project it describes: rows with the same group are duplicates) and `kind`.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook

Q_LEAD = "Which organisation is leading this collaboration?"
Q_NAME = "What is the name of the collaboration project?"
Q_SUMMARY = "Please give a brief description of the project"
Q_SERVICES = "Which emergency services are involved? (tick all that apply)"
Q_OTHER_PARTNERS = "Please list any other partners (e.g. charities, councils, NHS)"
Q_THEMES = "Which of the following themes does the collaboration cover? (please tick all that apply)"
Q_STAGE = "What stage is the project at?"
Q_START = "Project start date"
Q_PILOT = "Is this a pilot?"
Q_COST = "Approximately how much has the project cost to date (£)?"
Q_LESSONS = "What are the key lessons learnt?"
Q_CONTACT = "Who should we contact about this project?"
Q_SHARE = "Can we share this project in the collaboration database?"
META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
SERVICES = ["Police", "Fire and Rescue", "Ambulance", "Other (e.g. local authority, NHS)"]
THEMES = [
    "Co-responding / first response",
    "Shared estates / co-location",
    "Joint control room",
    "Shared back office / support services",
    "Joint training",
    "Prevention and community safety",
    "Demand management (e.g. missing persons, forced entry, mental health)",
    "Other (please specify)",
]
STAGES = [
    "Idea / proposal",
    "Being implemented",
    "Fully implemented / business as usual",
    "Closed / completed",
]
CONTACT = ["Name", "Job title", "Email Address", "Phone Number"]
SHARE = [
    "Yes - publish it for anyone to read",
    "Yes - but only for the emergency services",
    "No - figures only",
]

# Areas: (place, police as typed in several ways, fire as typed, ambulance as typed, PCC office names)
AREAS = [
    (
        "Greater Manchester",
        ["GMP", "Greater Manchester Police"],
        ["GMFRS", "Greater Manchester Fire & Rescue Service"],
        ["NWAS", "North West Ambulance Service"],
    ),
    (
        "Leicestershire",
        ["Leicestershire Police"],
        ["Leicestershire Fire and Rescue Service"],
        ["EMAS", "East Midlands Ambulance Service"],
    ),
    (
        "West Midlands",
        ["West Midlands Police", "WMP"],
        ["West Midlands Fire Service", "WMFS"],
        ["WMAS", "West Midlands Ambulance Service"],
    ),
    (
        "Devon",
        ["Devon & Cornwall Police"],
        ["DSFRS", "Devon and Somerset Fire and Rescue Service"],
        ["SWASFT", "South Western Ambulance Service"],
    ),
    (
        "London",
        ["MPS", "Metropolitan Police", "The Met"],
        ["LFB", "London Fire Brigade"],
        ["London Ambulance Service", "LAS"],
    ),
    (
        "Hampshire",
        ["Hampshire Constabulary"],
        ["Hampshire Fire and Rescue Service", "HIWFRS"],
        ["South Central Ambulance Service", "SCAS"],
    ),
    ("Dorset", ["Dorset Police"], ["Dorset Fire and Rescue Service"], ["SWASFT"]),
    (
        "Wiltshire",
        ["Wiltshire Police"],
        ["Wiltshire Fire and Rescue Service"],
        ["South Western Ambulance Service NHS Foundation Trust"],
    ),
    (
        "South Wales",
        ["South Wales Police", "Heddlu De Cymru"],
        ["South Wales Fire and Rescue Service", "Gwasanaeth Tân ac Achub De Cymru"],
        ["Welsh Ambulance Service", "WAST"],
    ),
    (
        "North Wales",
        ["North Wales Police"],
        ["North Wales Fire & Rescue Service"],
        ["Welsh Ambulance Services NHS Trust"],
    ),
    ("Lincolnshire", ["Lincolnshire Police"], ["Lincolnshire Fire & Rescue"], ["EMAS"]),
    (
        "Kent",
        ["Kent Police"],
        ["Kent Fire & Rescue", "KFRS"],
        ["SECAmb", "South East Coast Ambulance Service"],
    ),
    (
        "Essex",
        ["Essex Police"],
        ["Essex Fire and Rescue Service", "ECFRS"],
        ["East of England Ambulance Service", "EEAST"],
    ),
    (
        "Yorkshire",
        ["West Yorkshire Police", "North Yorkshire Police"],
        ["West Yorkshire Fire and Rescue Service", "WYFRS"],
        ["YAS", "Yorkshire Ambulance Service"],
    ),
    (
        "Northumbria",
        ["Northumbria Police"],
        ["Tyne & Wear Fire and Rescue Service"],
        ["NEAS", "North East Ambulance Service"],
    ),
    ("Thames Valley", ["Thames Valley Police", "TVP"], ["Royal Berkshire Fire and Rescue Service"], ["SCAS"]),
    ("Cumbria", ["Cumbria Constabulary"], ["Cumbria Fire & Rescue Service"], ["NWAS"]),
    ("Surrey", ["Surrey Police"], ["Surrey Fire and Rescue Service"], ["SECAmb"]),
    ("British Transport", ["BTP", "British Transport Police"], ["LFB"], ["LAS"]),
]
PCC_NAMES = [
    "Office of the Police and Crime Commissioner for Kent",
    "Office of the Police and Crime Commissioner for Lincolnshire",
    "OPCC for Surrey",
    "Cumbria OPCC",
    "Comisiynydd Heddlu a Throseddu De Cymru",
]
UNMATCHED = [
    "Blue Light Partnership Board",
    "Kent & Medway Resilience Forum",
    "Lancs Emergency Services Group",
]
# Activities: (theme index, name pattern, summary sentences with distinctive specifics)
ACTIVITIES = [
    (
        0,
        "{place} co-responding to cardiac arrests",
        [
            "On-call firefighters respond to suspected cardiac arrests in rural {place} while an ambulance is on its way.",
            "Crews carry defibrillators and oxygen and are trained to immediate emergency care standard.",
            "Survival to hospital discharge has risen since the scheme began in the market towns.",
        ],
    ),
    (
        0,
        "{place} falls response team",
        [
            "A falls team of a firefighter and an emergency care assistant lifts older people who have fallen at home in {place}.",
            "Most patients stay at home with a referral to the community falls clinic instead of a long wait on the floor.",
            "Ambulance hours freed for life-threatening calls are counted each quarter.",
        ],
    ),
    (
        1,
        "{place} tri-service station at {site}",
        [
            "Police, fire and ambulance teams share the rebuilt station at {site} in {place}.",
            "The old police office and the ambulance standby point were sold, and the receipts funded the refit.",
            "Response times improved because ambulances now stand by in the middle of the district.",
        ],
    ),
    (
        1,
        "Shared headquarters for {place}",
        [
            "The police and fire headquarters in {place} moved onto one site at {site}.",
            "Estates, fleet and stores teams work from the same building and share meeting rooms and the gym.",
            "Running costs fell by a third and the vacated offices were sold.",
        ],
    ),
    (
        2,
        "{place} joint control room",
        [
            "Police and fire call handlers in {place} sit together in one control room at {site}.",
            "Calls that need both services are passed across the room rather than by telephone.",
            "A shared mobilising system went live after a year of testing.",
        ],
    ),
    (
        3,
        "{place} shared HR and payroll",
        [
            "One HR and payroll team now serves the police force and the fire and rescue service in {place}.",
            "The two payroll systems were replaced by a single system, procured jointly.",
            "Staff kept their own terms and conditions throughout the transfer.",
        ],
    ),
    (
        4,
        "{place} joint water rescue training",
        [
            "Police search officers and firefighters in {place} train together for water rescue at {site}.",
            "A shared instructor cadre delivers swiftwater and flood courses to both services.",
            "Equipment and boats are pooled and booked through one rota.",
        ],
    ),
    (
        5,
        "{place} safe and well visits",
        [
            "Firefighters in {place} carry out safe and well visits that cover fire safety, falls, crime prevention and scams.",
            "Referrals come from neighbourhood police officers and the ambulance service's frequent callers team.",
            "Over a thousand vulnerable households were visited in the first year.",
        ],
    ),
    (
        6,
        "{place} missing persons drone search",
        [
            "The fire service's drone team helps police search for missing people in {place}.",
            "Thermal cameras cover moorland and riverbanks far faster than foot searches.",
            "Several high-risk missing people were found alive within hours.",
        ],
    ),
    (
        6,
        "{place} mental health street triage",
        [
            "A mental health nurse travels with a police officer in the evenings in {place} so that people in crisis get the right care.",
            "Detentions under section 136 fell sharply compared with the year before.",
            "Paramedics can call the car for advice on the telephone.",
        ],
    ),
    (
        6,
        "{place} forced entry on behalf of ambulance",
        [
            "Firefighters rather than police officers force entry when ambulance crews cannot reach a patient in {place}.",
            "Doors are opened with less damage and police officers are freed for crime.",
            "The protocol covers every station in the county.",
        ],
    ),
    (
        7,
        "{place} joint procurement of fleet",
        [
            "The partners in {place} buy vehicles, tyres and fuel through one procurement framework.",
            "A shared workshop at {site} maintains police cars, fire engines and ambulances.",
            "Savings come from larger orders and fewer workshop sites.",
        ],
    ),
]
ACTIVITIES += [
    (
        2,
        "{place} 999 call triage hub",
        [
            "A clinician sits in the police control room in {place} to triage 999 calls about people in mental distress.",
            "Officers are sent only where there is a risk of harm; others get advice or a callback.",
            "The hub answers calls around the clock from {site}.",
        ],
    ),
    (
        3,
        "{place} joint IT service desk",
        [
            "One IT service desk supports police and fire staff in {place}, with shared laptops and a single network.",
            "Licences for office software are bought once for both organisations.",
            "The help line moved to {site} last spring.",
        ],
    ),
    (
        4,
        "{place} joint major incident exercise",
        [
            "Every year the services in {place} run a live exercise of a major incident such as a train crash at {site}.",
            "Commanders practise the joint decision model together.",
            "Debriefs feed a shared learning log.",
        ],
    ),
    (
        5,
        "{place} young drivers road safety course",
        [
            "Police roads officers and firefighters teach sixth formers in {place} about the fatal four.",
            "A crashed car is staged at {site} so students see a rescue.",
            "Casualties among young drivers fell in the two years after.",
        ],
    ),
    (
        7,
        "{place} shared uniform contract",
        [
            "The police and fire services of {place} buy uniforms and protective clothing through one contract.",
            "Sizes, fitting and laundering are handled by one supplier at {site}.",
            "Stock is held once rather than twice.",
        ],
    ),
]
TOWNS = {
    "Greater Manchester": ["Bolton", "Wigan", "Oldham", "Stockport"],
    "Leicestershire": ["Loughborough", "Hinckley", "Melton"],
    "West Midlands": ["Coventry", "Wolverhampton", "Dudley"],
    "Devon": ["Exeter", "Plymouth", "Barnstaple"],
    "London": ["Croydon", "Hackney", "Ealing", "Barnet"],
    "Hampshire": ["Southampton", "Basingstoke", "Winchester"],
    "Dorset": ["Poole", "Weymouth", "Bournemouth"],
    "Wiltshire": ["Swindon", "Salisbury", "Chippenham"],
    "South Wales": ["Cardiff", "Bridgend", "Merthyr Tydfil"],
    "North Wales": ["Wrexham", "Bangor", "Rhyl"],
    "Lincolnshire": ["Lincoln", "Boston", "Grantham"],
    "Kent": ["Ashford", "Dover", "Maidstone", "Canterbury"],
    "Essex": ["Chelmsford", "Colchester", "Harlow"],
    "Yorkshire": ["Leeds", "Bradford", "Harrogate", "Scarborough"],
    "Northumbria": ["Sunderland", "Gateshead", "Hexham"],
    "Thames Valley": ["Reading", "Slough", "Oxford"],
    "Cumbria": ["Carlisle", "Kendal", "Barrow"],
    "Surrey": ["Guildford", "Woking", "Epsom"],
    "British Transport": ["King's Cross", "Waterloo"],
}
SITES = [
    "Station Road",
    "Riverside",
    "the old depot",
    "Marsh Lane",
    "Castle Street",
    "Hillside",
    "the business park",
    "Queen's Road",
]
SYNONYMS = [
    ("rural", "country"),
    ("older people", "elderly residents"),
    ("improved", "got better"),
    ("share", "jointly use"),
    ("sold", "disposed of"),
    ("fell", "dropped"),
    ("together", "jointly"),
    ("replaced", "swapped"),
    ("vulnerable", "at-risk"),
    ("faster", "more quickly"),
    ("Several", "A number of"),
    ("buy", "purchase"),
]
LOCAL_CAUSES = [
    "a serious fire at a care home",
    "a review of estates",
    "the county's blue light summit",
    "a flood",
    "the 2010 spending review",
    "a coroner's report",
    "a pilot in a neighbouring county",
]
LOCAL_STAFF = ["firefighters", "officers", "paramedics", "call handlers", "volunteers", "support staff"]
LOCAL_BODIES = [
    "joint chief officers' group",
    "police and crime panel",
    "fire authority",
    "clinical commissioning group",
    "local resilience forum",
    "county council's cabinet",
]
FIRST_NAMES = [
    "Jane",
    "Sam",
    "Priya",
    "Tom",
    "Aled",
    "Rhian",
    "Mark",
    "Chloe",
    "David",
    "Fatima",
    "Gareth",
    "Lucy",
]
LAST_NAMES = ["Smith", "Jones", "Evans", "Patel", "Brown", "Hughes", "Taylor", "Khan", "Williams", "Davies"]
# Start dates as people type them: (text, whether it is a month the questionnaire can read)
DATE_FORMS = [
    ("01/03/2015", True),
    ("2014/15", False),
    ("Summer 2013", False),
    ("Spring 2015", False),
    ("ongoing since 2012", False),
    ("2013", False),
    ("TBC", False),
    ("Oct-15", True),
    ("March 2016", True),
    ("2016-04", True),
    ("1st April 2014", True),
    ("04/2017", True),
    ("Sept 2015", True),
    ("Q3 2016", False),
]


@dataclass
class Response:
    group: int | None  # the project; rows sharing it are duplicates
    kind: str  # project, duplicate, lookalike, test, blank, partial
    cells: dict[str, str] = field(default_factory=dict)  # logical field -> text
    services: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    date_readable: bool = True
    lead_matches: bool = True


def generate(rows: int = 320, seed: int = 2017) -> list[Response]:
    rng = random.Random(seed)
    responses: list[Response] = []
    group = 0
    combinations = [(a, t, i) for a in AREAS for t in TOWNS[a[0]] for i in range(len(ACTIVITIES))]
    rng.shuffle(combinations)
    used: set = set()
    every = list(combinations)
    while len(responses) < rows - 12:
        group += 1
        if len(combinations) < 10:  # a large file: the same kinds of project again, elsewhere in town
            combinations = [
                (a, f"{t} {rng.choice(['North', 'South', 'East', 'West', 'Central'])}{group}", i)
                for a, t, i in every
            ]
            rng.shuffle(combinations)
        area, town, activity_index = combinations.pop()
        if (town, activity_index) in used:
            continue
        used.add((town, activity_index))
        project = _project(rng, area, activity_index, group, town=town)
        responses.append(project)
        roll = rng.random()
        if roll < 0.09:
            responses.append(_duplicate(rng, project, area))
        elif roll < 0.12:
            responses.append(_duplicate(rng, project, area))
            responses.append(_duplicate(rng, project, area))
        elif roll < 0.20:
            group += 1
            others = [
                i
                for i in range(len(ACTIVITIES))
                if ACTIVITIES[i][0] == ACTIVITIES[activity_index][0] and (town, i) not in used
            ]
            if not others:
                continue
            other = rng.choice(others)
            used.add((town, other))
            look = _project(rng, area, other, group, site_not=project.cells["site"], town=town)
            look.kind = "lookalike"
            responses.append(look)
    for _ in range(4):
        responses.append(_test(rng))
    for _ in range(4):
        responses.append(Response(group=None, kind="blank"))
    for _ in range(4):
        group += 1
        area, town, activity_index = combinations.pop()
        partial = _project(rng, area, activity_index, group, town=town)
        for key in (
            "summary",
            "themes",
            "stage",
            "start",
            "pilot",
            "cost",
            "lessons",
            "contact_job",
            "contact_phone",
            "share",
        ):
            partial.cells.pop(key, None)
        partial.themes, partial.services = [], []
        partial.kind = "partial"
        responses.append(partial)
    rng.shuffle(responses)
    for number, response in enumerate(responses, start=1):
        response.cells["respondent"] = str(6543280000 + number * 7)
    return responses


def _project(rng, area, activity_index, group, site_not=None, town=None) -> Response:
    _, police, fire, ambulance = area
    place = town or area[0]
    theme, name, sentences = ACTIVITIES[activity_index]
    site = rng.choice([s for s in SITES if s != site_not])
    lead_kind = rng.choice(["police", "fire", "ambulance"])
    lead = rng.choice({"police": police, "fire": fire, "ambulance": ambulance}[lead_kind])
    response = Response(group=group, kind="project")
    if rng.random() < 0.04:
        lead, response.lead_matches = rng.choice(UNMATCHED), False
    elif rng.random() < 0.05:
        lead = rng.choice(PCC_NAMES)
    start, readable = rng.choice(DATE_FORMS)
    response.date_readable = readable
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    domain = lead.lower().replace(" ", "")[:10]
    email = rng.choice(
        [f"{first}.{last}@{domain}.example.org".lower()] * 6 + [f"{first[0]}.{last}@{domain}".lower(), "n/a"]
    )
    phone = rng.choice(
        ["01632 960001", "01632 960 123 ext 21", "07700 900982", "01522 582222 x 4410", "+44 808 157 0192"]
    )
    name = name.format(place=place, site=site)
    chosen = [s.format(place=place, site=site) for s in sentences]
    if rng.random() < 0.6:
        chosen.pop(rng.randrange(1, len(chosen)))  # each writer tells a different part of it
    local = [
        f"It began after {rng.choice(LOCAL_CAUSES)} in {rng.randint(2009, 2016)}.",
        f"{rng.randint(12, 240)} {rng.choice(LOCAL_STAFF)} took part in the first {rng.choice(['six months', 'year', 'quarter'])}.",
        f"The {rng.choice(LOCAL_BODIES)} agreed the business case.",
    ]
    rng.shuffle(local)
    summary = " ".join(chosen[:1] + local[: rng.randint(1, 3)] + chosen[1:])
    for old, new in rng.sample(SYNONYMS, k=3):
        summary = summary.replace(old, new)
    if rng.random() < 0.15:
        summary = summary.replace(". ", ".\n", 1)
    if rng.random() < 0.1:
        name = name.replace(" ", "  ", 1)
    response.cells.update(
        {
            "lead": lead,
            "name": name,
            "summary": summary,
            "site": site,
            "other_partners": rng.choice(
                [
                    "",
                    "",
                    "The county council",
                    "Age UK; the local NHS mental health trust",
                    "Canal & River Trust",
                ]
            ),
            "stage": rng.choice(STAGES),
            "start": start,
            "pilot": rng.choice(["Yes", "No", "No"]),
            "cost": rng.choice(["£18,500", "250000", "£1.2m", "0", "unknown", "£45,000"]),
            "lessons": rng.choice(
                [
                    "Agree data sharing before the first shift.",
                    "Involve staff representatives from the start.",
                    "Keep governance light until the benefits are clear.",
                ]
            ),
            "contact_name": f"{first}\u00a0{last}" if rng.random() < 0.1 else f"{first} {last}",
            "contact_job": rng.choice(["Collaboration manager", "Station manager", "Head of partnerships"]),
            "contact_email": email,
            "contact_phone": phone,
            "share": rng.choice(SHARE),
        }
    )
    response.themes = [THEMES[theme]] + ([THEMES[rng.randrange(7)]] if rng.random() < 0.3 else [])
    if rng.random() < 0.05:
        response.themes.append("Other (please specify)")
        response.cells["other_theme"] = "Wellbeing support for staff"
    response.services = sorted({"Police", "Fire and Rescue", *(["Ambulance"] if rng.random() < 0.6 else [])})
    return response


def _duplicate(rng, original: Response, area) -> Response:
    """The same project sent by another partner: its own organisation as lead, its own words."""
    copy = Response(group=original.group, kind="duplicate", cells=dict(original.cells))
    copy.themes, copy.services, copy.date_readable = (
        list(original.themes),
        list(original.services),
        original.date_readable,
    )
    _, police, fire, ambulance = area
    others = [n for n in (*police, *fire, *ambulance) if n != original.cells["lead"]]
    copy.cells["lead"] = rng.choice(others)
    name = original.cells["name"]
    words = name.split(" ")
    copy.cells["name"] = rng.choice(
        [
            " ".join(words[1:]) + f" in {words[0]}",
            name.lower(),
            name.replace(" and ", " & "),
            f"{name} project",
            " ".join(words[1:]) + f" ({words[0]})",
        ]
    )
    sentences = [s for s in original.cells["summary"].replace("\n", " ").split(". ") if s]
    rng.shuffle(sentences)
    if len(sentences) > 2 and rng.random() < 0.5:
        sentences.pop()
    text = ". ".join(sentences)
    for old, new in rng.sample(SYNONYMS, k=6):
        text = text.replace(old, new)
    copy.cells["summary"] = "Joint project with our partners. " + text
    return copy


def _test(rng) -> Response:
    response = Response(group=None, kind="test")
    response.cells.update(
        {
            "lead": rng.choice(["TEST - please ignore", "test", "Kent Police"]),
            "name": "TEST - please ignore",
            "summary": "testing testing",
        }
    )
    return response


# ---------------------------------------------------------------- writing the layouts


def _meta(response: Response, number: int) -> list[str]:
    if response.kind == "blank":
        return [
            response.cells.get("respondent", ""),
            "214563987",
            "11/12/2017 09:48:12 AM",
            "11/12/2017 09:49:02 AM",
            "192.0.2.1",
        ]
    return [
        response.cells.get("respondent", ""),
        "214563987",
        f"11/{10 + number % 18}/2017 09:48:12 AM",
        f"11/{10 + number % 18}/2017 10:56:40 AM",
        f"192.0.2.{number % 250}",
    ]


def _row(response: Response, number: int, condensed: bool) -> list[str]:
    c = response.cells
    cells = [*_meta(response, number), c.get("lead", ""), c.get("name", ""), c.get("summary", "")]
    cells += (
        [", ".join(response.services)]
        if condensed
        else [s if s in response.services else "" for s in SERVICES]
    )
    cells.append(c.get("other_partners", ""))
    ticked = [t for t in THEMES if t in response.themes]
    if condensed:
        cells.append(", ".join(ticked))
        cells.append(c.get("other_theme", ""))
    else:
        cells += [t if t in ticked else "" for t in THEMES[:-1]] + [c.get("other_theme", "")]
    cells += [
        c.get("stage", ""),
        c.get("start", ""),
        c.get("pilot", ""),
        c.get("cost", ""),
        c.get("lessons", ""),
    ]
    cells += [
        c.get("contact_name", ""),
        c.get("contact_job", ""),
        c.get("contact_email", ""),
        c.get("contact_phone", ""),
        c.get("share", ""),
    ]
    return cells


def header_rows(condensed: bool) -> list[list[str]]:
    if condensed:
        contact = [f"{Q_CONTACT} - {o}" for o in CONTACT]
        return [
            [
                *META,
                Q_LEAD,
                Q_NAME,
                Q_SUMMARY,
                Q_SERVICES,
                Q_OTHER_PARTNERS,
                Q_THEMES,
                f"{Q_THEMES} - Other (please specify)",
                Q_STAGE,
                Q_START,
                Q_PILOT,
                Q_COST,
                Q_LESSONS,
                *contact,
                Q_SHARE,
            ]
        ]
    first = META + [Q_LEAD, Q_NAME, Q_SUMMARY, Q_SERVICES, "", "", "", Q_OTHER_PARTNERS, Q_THEMES] + [""] * 7
    first += [Q_STAGE, Q_START, Q_PILOT, Q_COST, Q_LESSONS, Q_CONTACT, "", "", "", Q_SHARE]
    second = [""] * len(META) + ["Open-Ended Response"] * 3 + SERVICES + ["Open-Ended Response"] + THEMES
    second += [
        "Response",
        "Open-Ended Response",
        "Response",
        "Open-Ended Response",
        "Open-Ended Response",
        *CONTACT,
        "Response",
    ]
    return [first, second]


def table(responses: list[Response], *, condensed: bool) -> list[list[str]]:
    return header_rows(condensed) + [_row(r, n, condensed) for n, r in enumerate(responses, start=1)]


def to_csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def expanded_csv(responses: list[Response], encoding: str = "utf-8-sig") -> bytes:
    return to_csv(table(responses, condensed=False), encoding)


def condensed_csv(responses: list[Response], encoding: str = "utf-8-sig") -> bytes:
    return to_csv(table(responses, condensed=True), encoding)


def xlsx(responses: list[Response], *, condensed: bool, notes_sheet_first: bool = True) -> bytes:
    """A workbook as people keep them: a notes sheet in front (the active one), the responses behind it,
    with the start dates Excel turned into dates shown in their own format."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["Exported from SurveyMonkey"])
    sheet = workbook.create_sheet("Responses")
    rows = table(responses, condensed=condensed)
    start_column = rows[0].index(Q_START) + 1
    for r, row in enumerate(rows, start=1):
        sheet.append(row)
        if r > len(rows) - len(responses) and row[start_column - 1] == "Oct-15":
            cell = sheet.cell(row=r, column=start_column, value=datetime(2015, 10, 1))
            cell.number_format = "mmm-yy"
    if not notes_sheet_first:
        workbook.move_sheet("Responses", offset=-1)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def duplicate_pairs(responses: list[Response]) -> set[frozenset[int]]:
    """The labelled duplicates: pairs of response numbers (1-based) describing the same project."""
    by_group: dict[int, list[int]] = {}
    for number, response in enumerate(responses, start=1):
        if response.group is not None and response.kind in ("project", "duplicate"):
            by_group.setdefault(response.group, []).append(number)
    pairs = set()
    for numbers in by_group.values():
        for i, first in enumerate(numbers):
            for second in numbers[i + 1 :]:
                pairs.add(frozenset((first, second)))
    return pairs
