"""Make the example files for importing earlier responses, the same every time:

    python examples/imports/make_examples.py [FOLDER]

- surveymonkey-collaboration-2017.csv: a SurveyMonkey export (two header rows) of 56 responses, with
  organisation names as people typed them, and its mapping surveymonkey-collaboration-2017.yaml;
- overview-2016.xlsx: an earlier national overview (one header row, 20 projects), and overview-2016.yaml.

The projects are made up, but of the kinds the services run: co-responding, shared stations, joint control
rooms, mental health street triage, drones, missing person searches, forced entry, safe and well visits...
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2017, 12, 1, 9, 0, 0)  # inside the workbook, so that the file is the same every time

# (place, police as typed, fire as typed, ambulance as typed, email domain). Some names are typed the way
# people type them ("Kent Fire & Rescue", "Devon and Cornwall Police Force"): the mappings name their aliases.
AREAS = [
    ("Kent", "Kent Police", "Kent Fire & Rescue", "SECAmb", "kent"),
    (
        "Devon",
        "Devon and Cornwall Police Force",
        "Devon & Somerset Fire and Rescue Service",
        "South Western Ambulance Service NHS Foundation Trust",
        "devon",
    ),
    (
        "Hampshire",
        "Hampshire Constabulary",
        "Hampshire & IOW Fire and Rescue Service",
        "South Central Ambulance Service NHS Foundation Trust",
        "hampshire",
    ),
    (
        "West Midlands",
        "West Midlands Police",
        "West Midlands Fire Service",
        "West Midlands Ambulance Service",
        "westmidlands",
    ),
    (
        "Lancashire",
        "Lancashire Constabulary",
        "Lancashire Fire and Rescue Service",
        "North West Ambulance Service NHS Trust",
        "lancashire",
    ),
    (
        "Essex",
        "Essex Police",
        "Essex County Fire & Rescue Service",
        "East of England Ambulance Service NHS Trust",
        "essex",
    ),
    (
        "North Yorkshire",
        "North Yorkshire Police",
        "North Yorkshire Fire and Rescue Service",
        "Yorkshire Ambulance Service NHS Trust",
        "northyorkshire",
    ),
    (
        "Cardiff",
        "South Wales Police",
        "South Wales Fire and Rescue Service",
        "Welsh Ambulance Service",
        "southwales",
    ),
    (
        "Carmarthenshire",
        "Dyfed Powys Police",
        "Mid and West Wales Fire and Rescue Service",
        "Welsh Ambulance Service",
        "dyfedpowys",
    ),
    (
        "Northamptonshire",
        "Northamptonshire Police",
        "Northamptonshire Fire and Rescue Service",
        "East Midlands Ambulance Service NHS Trust",
        "northants",
    ),
    (
        "Cumbria",
        "Cumbria Constabulary",
        "Cumbria Fire and Rescue Service",
        "North West Ambulance Service NHS Trust",
        "cumbria",
    ),
    ("London", "Metropolitan Police", "London Fire Brigade", "London Ambulance Service NHS Trust", "london"),
]

# name, summary, themes (SurveyMonkey labels), who leads (police/fire/ambulance), partners, other partners,
# evidence, lessons learnt
ACTIVITIES = [
    (
        "{place} co-responding",
        "On-call firefighters in {place} are sent to suspected cardiac arrests and falls at the same "
        "time as an "
        "ambulance, and start care until paramedics arrive.",
        ["Co-responding / first response"],
        "fire",
        ["ambulance"],
        "",
        "Firefighters reached patients first in 60% of calls, on average 6 minutes before the ambulance.",
        "Agree clinical governance and training standards with the ambulance trust before the first shift.",
    ),
    (
        "{place} shared blue-light station",
        "Police officers work from the fire station in {place}, sharing the building, parking and welfare "
        "facilities instead of running two.",
        ["Shared estates / co-location"],
        "police",
        ["fire"],
        "",
        "Running costs of the two sites fell by about a third; the old police station was sold.",
        "Involve the staff who will share the building early: the small things, like parking, matter most.",
    ),
    (
        "{place} joint fire and police control room",
        "Police and fire emergency calls for {place} are taken in one control room, with shared mapping and "
        "incident logs.",
        ["Joint control room", "Data sharing"],
        "police",
        ["fire"],
        "",
        "Calls needing both services are now passed across in seconds instead of minutes.",
        "Do not underestimate the work of making two command and control systems talk to each other.",
    ),
    (
        "{place} mental health street triage",
        "A mental health nurse travels with a police officer in the evenings, so that people in "
        "crisis in {place} "
        "get the right care without being detained unless they must be.",
        ["Demand management (e.g. missing persons, forced entry, mental health)"],
        "police",
        ["ambulance"],
        "The local NHS mental health trust",
        "-40% detentions under section 136 in the first year compared with the year before.",
        "Share information within the law from day one: agree the data protection impact assessment first.",
    ),
    (
        "{place} shared drone unit",
        "Fire and police drone pilots in {place} share aircraft, training and a call-out rota for "
        "searches, fires "
        "and major incidents.",
        ["Fleet and equipment", "Demand management (e.g. missing persons, forced entry, mental health)"],
        "fire",
        ["police"],
        "",
        "Searches for missing people on open ground now take hours rather than days.",
        "Buy the same aircraft and train pilots to one standard, so that any pilot can fly any aircraft.",
    ),
    (
        "{place} missing person search support",
        "Fire and rescue search teams and their equipment support police searches for high-risk "
        "missing people "
        "in {place}.",
        ["Demand management (e.g. missing persons, forced entry, mental health)"],
        "police",
        ["fire"],
        "Lowland search and rescue volunteers",
        "+1,200 police officer hours a year released for other work.",
        "Set out who is in charge at the search before the first call-out, not during it.",
    ),
    (
        "{place} gaining entry for ambulance crews",
        "When a patient cannot open the door, the fire service rather than the police gains entry for the "
        "ambulance crew in {place}.",
        ["Demand management (e.g. missing persons, forced entry, mental health)"],
        "fire",
        ["ambulance", "police"],
        "",
        "Police attendance at concern-for-welfare calls fell by half; crews wait 20 minutes less on average.",
        "Agree who pays for the damaged doors before you start.",
    ),
    (
        "{place} safe and well visits",
        "Firefighters visiting homes in {place} also check for falls risks and signs of crime or "
        "exploitation, "
        "and refer people to the right service.",
        ["Prevention and community safety"],
        "fire",
        ["police", "ambulance"],
        "Age UK and the district councils",
        "Over 3,000 visits a year, with 400 referrals for falls prevention.",
        "Keep the visit short and simple: one good referral is worth more than a long checklist.",
    ),
    (
        "{place} shared headquarters and back office",
        "The police and fire service in {place} share a headquarters and one team for finance, HR, "
        "estates and "
        "procurement.",
        ["Shared back office / support services", "Shared estates / co-location"],
        "police",
        ["fire"],
        "",
        "Savings of £1.2m a year on support services, reinvested in the front line.",
        "Merge the teams before merging the systems.",
    ),
    (
        "{place} joint training centre",
        "Police, fire and ambulance staff in {place} train together for major incidents at one "
        "training centre.",
        ["Joint training", "Shared estates / co-location"],
        "fire",
        ["police", "ambulance"],
        "",
        "Joint exercises found, and fixed, radio problems before a real major incident did.",
        "Book the training centre a year ahead: shift patterns make joint courses hard to arrange.",
    ),
    (
        "{place} joint fleet workshop",
        "One workshop maintains the police, fire and ambulance vehicles in {place}, with joint "
        "buying of parts.",
        ["Fleet and equipment", "Procurement"],
        "police",
        ["fire", "ambulance"],
        "",
        "Vehicles are off the road for 2 fewer days a year on average.",
        "Agree how vehicles are prioritised when every partner wants theirs first.",
    ),
    (
        "{place} community safety hub",
        "Police, fire and council staff in {place} share a hub and their data to target prevention "
        "work where it "
        "is most needed.",
        ["Prevention and community safety", "Data sharing", "Governance"],
        "police",
        ["fire"],
        "The district council and housing providers",
        "Deliberate fires fell by a quarter in the target neighbourhoods.",
        "Data sharing agreements take months: start them first.",
    ),
]

FIRST_NAMES = [
    "Priya",
    "James",
    "Sian",
    "Tom",
    "Aisha",
    "Gareth",
    "Helen",
    "Mark",
    "Rhian",
    "David",
    "Fatima",
    "Chris",
]
LAST_NAMES = [
    "Patel",
    "Evans",
    "Jones",
    "Smith",
    "Khan",
    "Williams",
    "Hughes",
    "Brown",
    "Davies",
    "Taylor",
    "Ali",
]
TITLES = [
    "Collaboration manager",
    "Area manager",
    "Chief inspector",
    "Head of collaboration",
    "Station manager",
    "Programme lead",
]

THEMES = [
    "Co-responding / first response",
    "Shared estates / co-location",
    "Joint control room",
    "Shared back office / support services",
    "Joint training",
    "Prevention and community safety",
    "Demand management (e.g. missing persons, forced entry, mental health)",
    "Fleet and equipment",
    "Procurement",
    "Governance",
    "Data sharing",
    "Other (please specify)",
]
FUNDING = [
    "Partners' own budgets",
    "Police Transformation Fund / Home Office grant",
    "PCC funding",
    "Local authority funding",
    "NHS / health funding",
    "Other external funding (e.g. charitable)",
    "Don't know",
]
BENEFITS = ["Efficiency", "Effectiveness", "Public safety"]
ENABLERS = [
    "Strong leadership / senior buy-in",
    "Shared vision and aims",
    "Clear governance",
    "Good relationships between partners",
    "Funding",
    "Staff and union support",
    "Co-location",
    "Data / information sharing",
    "Interoperable technology",
    "Clear legal agreements",
    "Good communication",
    "Other",
]
BARRIERS = [
    "Funding / budget pressures",
    "Different priorities",
    "Organisational culture",
    "Terms and conditions",
    "Incompatible IT systems",
    "Data sharing / information governance",
    "Unclear governance",
    "Legal / regulatory",
    "Different boundaries",
    "Changes in leadership",
    "Staff / union concerns",
    "Capacity",
    "Other",
    "None",
]
GEOGRAPHY = [
    "Local (part of a force/county area)",
    "Force / county area",
    "Regional (more than one force area)",
]
STAGES = ["Planning", "Being implemented", "Fully implemented / business as usual", "Closed / completed"]
SHARING = [
    "Yes - publish it for anyone to read",
    "Yes - but only for the emergency services",
    "No - only include it in the figures",
]

METADATA = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
]
OPEN = "Open-Ended Response"
QUESTIONS = [
    ("Which organisation is leading this collaboration?", [OPEN]),
    ("What is the name of the collaboration project?", [OPEN]),
    ("Please give a brief description of the project", [OPEN]),
    ("Which other emergency services are involved? (please separate names with a semicolon)", [OPEN]),
    ("Please list any other partners (e.g. charities, councils, NHS)", [OPEN]),
    ("Which of the following themes does the collaboration cover? (please tick all that apply)", THEMES),
    ("What is the geographic scope of the project?", ["Response"]),
    ("What stage is the project at?", ["Response"]),
    ("Project start date", ["Response"]),
    ("Expected or actual end date (if known)", ["Response"]),
    ("Is this a pilot?", ["Response"]),
    ("Approximately how much has the project cost to date (£)?", [OPEN]),
    ("How is the project funded? (tick all that apply)", FUNDING),
    ("Estimated annual cashable savings (£)", [OPEN]),
    ("Estimated non-cashable savings (e.g. officer hours released)", [OPEN]),
    ("Which of the tests in the duty to collaborate does the project meet?", BENEFITS),
    ("What evidence do you have of these benefits?", [OPEN]),
    ("Has the project been evaluated?", ["Response"]),
    ("If yes, what did the evaluation find?", [OPEN]),
    ("What helped the collaboration succeed? (tick all that apply)", ENABLERS),
    ("What barriers have you faced? (tick all that apply)", BARRIERS),
    ("What are the key lessons learnt?", [OPEN]),
    ("Who should we contact about this project?", ["Name", "Job title", "Email Address", "Phone Number"]),
    ("Can we share this project in the collaboration database?", ["Response"]),
]


def surveymonkey_rows(count: int = 56, seed: int = 2017) -> list[list[str]]:
    rng = random.Random(seed)  # noqa: S311 (repeatable example data)
    header1, header2 = list(METADATA), [""] * len(METADATA)
    for question, options in QUESTIONS:
        header1 += [question] + [""] * (len(options) - 1)
        header2 += options
    rows = [header1, header2]
    combos = [(area, activity) for area in AREAS for activity in ACTIVITIES]
    rng.shuffle(combos)
    respondent = 6543210000
    for n, (area, activity) in enumerate(combos[:count]):
        respondent += rng.randint(1000, 90000)
        place, police, fire, ambulance, domain = area
        name, summary, themes, leader, partner_kinds, others, evidence, lessons = activity
        typed = {"police": police, "fire": fire, "ambulance": ambulance}
        lead = typed[leader]
        if n == 7:
            lead = lead.lower()  # as some people type it
        started = datetime(rng.randint(2013, 2017), rng.randint(1, 12), 1)
        ended = "" if rng.random() < 0.7 else f"31/03/{started.year + rng.randint(2, 4)}"
        evaluated = rng.random() < 0.4
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        stage = rng.choice(STAGES)
        row = [
            str(respondent),
            "214563987",
            f"11/{rng.randint(1, 28):02d}/2017 09:{rng.randint(10, 59)}:12 AM",
            f"11/{rng.randint(1, 28):02d}/2017 10:{rng.randint(10, 59)}:40 AM",
            f"192.0.2.{rng.randint(1, 254)}",
            "",
            "",
            "",
            "",
            lead,
            name.format(place=place),
            summary.format(place=place),
            "; ".join(typed[kind] for kind in partner_kinds),
            others,
        ]
        ticked = list(themes)
        other_theme = ""
        if rng.random() < 0.1:
            ticked.append("Other (please specify)")
            other_theme = "Wellbeing support for staff of all three services"
        row += [
            other_theme
            if theme == "Other (please specify)" and other_theme
            else (theme if theme in ticked else "")
            for theme in THEMES
        ]
        row += [
            rng.choice(GEOGRAPHY),
            stage,
            f"{started:%d/%m/%Y}",
            ended,
            "Yes" if rng.random() < 0.3 else "No",
            rng.choice(["£250,000", "45000", "120,000", "£1,500,000", "0", "75000", "£18,500"]),
        ]
        funding = set(rng.sample(FUNDING[:6], k=rng.randint(1, 2)))
        row += [option if option in funding else "" for option in FUNDING]
        row += [
            rng.choice(["£80,000", "0", "15000", "£250,000", "40,000"]),
            rng.choice(["", "About 2,000 officer hours a year", "Fewer journeys between sites", ""]),
        ]
        benefits = set(rng.sample(BENEFITS, k=rng.randint(1, 3)))
        row += [option if option in benefits else "" for option in BENEFITS]
        row += [
            evidence,
            "Yes" if evaluated else "No",
            "An independent evaluation by a university found the benefits were sustained."
            if evaluated
            else "",
        ]
        enablers = set(rng.sample(ENABLERS[:-1], k=rng.randint(1, 3)))
        row += [option if option in enablers else "" for option in ENABLERS]
        barriers = {"None"} if rng.random() < 0.15 else set(rng.sample(BARRIERS[:-2], k=rng.randint(1, 2)))
        row += [option if option in barriers else "" for option in BARRIERS]
        row += [
            lessons,
            f"{first} {last}",
            rng.choice(TITLES),
            f"{first}.{last}@{domain}.example.org".lower(),
            f"0{rng.randint(1200, 1999)} {rng.randint(100000, 999999)}",
            rng.choice(SHARING[:2] * 4 + SHARING[2:]),
        ]
        rows.append(row)
    return rows


def surveymonkey_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SURVEYMONKEY_MAPPING = """\
# How the SurveyMonkey export of the 2017 collaboration survey maps onto the questionnaire.
format: surveymonkey
source: SurveyMonkey collaboration survey 2017
row_id: Respondent ID

organisation_aliases:
  Kent Fire & Rescue: Kent Fire and Rescue Service
  SECAmb: South East Coast Ambulance Service NHS Foundation Trust
  Devon and Cornwall Police Force: Devon and Cornwall Police
  Hampshire Constabulary: Hampshire and Isle of Wight Constabulary
  Hampshire & IOW Fire and Rescue Service: Hampshire and Isle of Wight Fire and Rescue Service
  West Midlands Ambulance Service: West Midlands Ambulance Service University NHS Foundation Trust
  Welsh Ambulance Service: Welsh Ambulance Services University NHS Trust
  Metropolitan Police: Metropolitan Police Service

questions:
  lead_organisation: Which organisation is leading this collaboration?
  project_name: What is the name of the collaboration project?
  summary: Please give a brief description of the project
  partners:
    column: Which other emergency services are involved? (please separate names with a semicolon)
    separator: [";", ","]
  other_partners: Please list any other partners (e.g. charities, councils, NHS)
  themes:
    column: Which of the following themes does the collaboration cover? (please tick all that apply)
    choices:
      Co-responding / first response: co_responding
      Shared estates / co-location: shared_estates
      Joint control room: joint_control_rooms
      Shared back office / support services: shared_support_services
      Demand management (e.g. missing persons, forced entry, mental health): demand_management
      Other (please specify): other
  other_theme:
    column: Which of the following themes does the collaboration cover? (please tick all that apply)
    option: Other (please specify)
  geography:
    column: What is the geographic scope of the project?
    choices:
      Local (part of a force/county area): local
      Force / county area: force_area
      Regional (more than one force area): regional
  stage:
    column: What stage is the project at?
    choices:
      Idea / proposal: idea
      Being implemented: being_set_up
      Fully implemented / business as usual: implemented
      Closed / completed: ended
  start_date: Project start date
  end_date: Expected or actual end date (if known)
  pilot: Is this a pilot?
  cost: Approximately how much has the project cost to date (£)?
  funding:
    column: How is the project funded? (tick all that apply)
    choices:
      Partners' own budgets: partner_budgets
      Police Transformation Fund / Home Office grant: government_grant
      PCC funding: police_and_crime_commissioner
      NHS / health funding: health
      Other external funding (e.g. charitable): external
      Don't know: not_known
  cashable_savings: Estimated annual cashable savings (£)
  non_cashable_savings: Estimated non-cashable savings (e.g. officer hours released)
  benefits: Which of the tests in the duty to collaborate does the project meet?
  benefits_evidence: What evidence do you have of these benefits?
  has_evaluation: Has the project been evaluated?
  evaluation_findings: If yes, what did the evaluation find?
  enablers:
    column: What helped the collaboration succeed? (tick all that apply)
    choices:
      Strong leadership / senior buy-in: leadership
      Shared vision and aims: shared_aims
      Clear governance: governance
      Good relationships between partners: relationships
      Staff and union support: staff_support
      Co-location: co_location
      Data / information sharing: data_sharing
      Interoperable technology: technology
  barriers:
    column: What barriers have you faced? (tick all that apply)
    choices:
      Funding / budget pressures: funding
      Different priorities: priorities
      Organisational culture: culture
      Terms and conditions: terms_and_conditions
      Incompatible IT systems: technology
      Data sharing / information governance: data_sharing
      Unclear governance: governance
      Legal / regulatory: legal
      Different boundaries: boundaries
      Changes in leadership: leadership_changes
      Staff / union concerns: staff_concerns
      Capacity: capacity
  lessons_learnt: What are the key lessons learnt?
  contact_name:
    column: Who should we contact about this project?
    option: Name
  contact_job_title:
    column: Who should we contact about this project?
    option: Job title
  contact_email:
    column: Who should we contact about this project?
    option: Email Address
  contact_phone:
    column: Who should we contact about this project?
    option: Phone Number
  sharing:
    column: Can we share this project in the collaboration database?
    choices:
      Yes - publish it for anyone to read: public
      Yes - but only for the emergency services: sector
      No - only include it in the figures: figures_only
"""

# The 2016 overview: one row per project, the questionnaire's own labels mostly, real dates and numbers.
OVERVIEW_HEADER = [
    "Ref",
    "Project",
    "Summary",
    "Lead organisation",
    "Partner organisations",
    "Other partners",
    "Themes",
    "Area covered",
    "Stage",
    "Start date",
    "Pilot",
    "Cost (£)",
    "Funding",
    "Annual cashable savings (£)",
    "Benefits",
    "Evidence of benefits",
    "Evaluated",
    "Evaluation findings",
    "What helped",
    "What got in the way",
    "Lessons learnt",
    "Contact name",
    "Contact job title",
    "Contact email",
    "Sharing",
]
OVERVIEW_THEMES = {
    "co_responding": "Co-responding and first response",
    "shared_estates": "Shared estates",
    "joint_control_rooms": "Joint control rooms",
    "shared_support_services": "Shared support services and back office",
    "joint_training": "Joint training",
    "prevention": "Prevention and community safety",
    "demand_management": "Demand management",
    "fleet_and_equipment": "Fleet and equipment",
    "procurement": "Procurement",
    "governance": "Governance",
    "data_sharing": "Data sharing",
}
OVERVIEW_STAGE = ["Planning", "Being set up", "Live", "Ended"]


def overview_rows(count: int = 20, seed: int = 2016) -> list[list[object]]:
    rng = random.Random(seed)  # noqa: S311 (repeatable example data)
    combos = [(area, activity) for area in AREAS for activity in ACTIVITIES]
    rng.shuffle(combos)
    rows: list[list[object]] = [list(OVERVIEW_HEADER)]
    theme_of = {
        "Co-responding / first response": "co_responding",
        "Shared estates / co-location": "shared_estates",
        "Joint control room": "joint_control_rooms",
        "Shared back office / support services": "shared_support_services",
        "Joint training": "joint_training",
        "Prevention and community safety": "prevention",
        "Demand management (e.g. missing persons, forced entry, mental health)": "demand_management",
        "Fleet and equipment": "fleet_and_equipment",
        "Procurement": "procurement",
        "Governance": "governance",
        "Data sharing": "data_sharing",
    }
    for n, (area, activity) in enumerate(combos[:count], start=1):
        place, police, fire, ambulance, domain = area
        name, summary, themes, leader, partner_kinds, others, evidence, lessons = activity
        typed = {"police": police, "fire": fire, "ambulance": ambulance}
        evaluated = rng.random() < 0.3
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            [
                f"OV16-{n:03d}",
                name.format(place=place),
                summary.format(place=place),
                typed[leader],
                "; ".join(typed[kind] for kind in partner_kinds),
                others or None,
                "; ".join(OVERVIEW_THEMES[theme_of[theme]] for theme in themes),
                rng.choice(["Local", "County or force area", "Regional"]),
                rng.choice(OVERVIEW_STAGE),
                datetime(rng.randint(2012, 2016), rng.randint(1, 12), 1),
                rng.choice(["Yes", "No", "No"]),
                rng.choice([250000, 45000, 120000, 1500000, 0, 18500.5]),
                rng.choice(["From the partners' own budgets", "A government grant", "Not known"]),
                rng.choice([80000, 0, 15000, 40000]),
                "; ".join(
                    sorted(rng.sample(["Efficiency", "Effectiveness", "Public safety"], k=rng.randint(1, 3)))
                ),
                evidence,
                "Yes" if evaluated else "No",
                "The evaluation found the benefits were as planned." if evaluated else None,
                rng.choice(
                    [
                        "Strong leadership and senior support",
                        "Good working relationships between partners",
                        "Funding; Good communication",
                    ]
                ),
                rng.choice(
                    ["Not enough funding", "Partners having different priorities", "Nothing got in the way"]
                ),
                lessons,
                f"{first} {last}",
                rng.choice(TITLES),
                f"{first}.{last}@{domain}.example.org".lower(),
                rng.choice(["Sector only", "Sector only", "Public"]),
            ]
        )
    return rows


def overview_xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Overview 2016"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet["I"][1:]:
        cell.number_format = "mmm yyyy"
    workbook.properties.creator = "Emergency Services Collaboration Working Group"
    workbook.properties.created = workbook.properties.modified = datetime(*FIXED_TIME)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same bytes every run: zip entries carry the time they were written."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time it saved the workbook
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2017-12-01T09:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()


OVERVIEW_MAPPING = """\
# How the 2016 national overview spreadsheet maps onto the questionnaire.
format: spreadsheet
source: National overview 2016
row_id: Ref

organisation_aliases:
  Kent Fire & Rescue: Kent Fire and Rescue Service
  SECAmb: South East Coast Ambulance Service NHS Foundation Trust
  Devon and Cornwall Police Force: Devon and Cornwall Police
  Hampshire Constabulary: Hampshire and Isle of Wight Constabulary
  Hampshire & IOW Fire and Rescue Service: Hampshire and Isle of Wight Fire and Rescue Service
  West Midlands Ambulance Service: West Midlands Ambulance Service University NHS Foundation Trust
  Welsh Ambulance Service: Welsh Ambulance Services University NHS Trust
  Metropolitan Police: Metropolitan Police Service

questions:
  project_name: Project
  summary: Summary
  lead_organisation: Lead organisation
  partners: {column: Partner organisations, separator: ";"}
  other_partners: Other partners
  themes: {column: Themes, separator: ";"}
  geography: Area covered
  stage:
    column: Stage
    choices:
      Live: implemented
  start_date: Start date
  pilot: Pilot
  cost: Cost (£)
  funding: Funding
  cashable_savings: Annual cashable savings (£)
  benefits: Benefits
  benefits_evidence: Evidence of benefits
  has_evaluation: Evaluated
  evaluation_findings: Evaluation findings
  enablers: What helped
  barriers: What got in the way
  lessons_learnt: Lessons learnt
  contact_name: Contact name
  contact_job_title: Contact job title
  contact_email: Contact email
  sharing:
    column: Sharing
    choices:
      Public: public
      Sector only: sector
"""


def make(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "surveymonkey-collaboration-2017.csv": surveymonkey_csv(surveymonkey_rows()),
        "surveymonkey-collaboration-2017.yaml": SURVEYMONKEY_MAPPING.encode(),
        "overview-2016.xlsx": overview_xlsx(overview_rows()),
        "overview-2016.yaml": OVERVIEW_MAPPING.encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


if __name__ == "__main__":
    for path in make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
