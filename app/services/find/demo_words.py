"""The words the example projects are made of (demo_records.py): places, project kinds, people and findings.

Place names are those the organisations serve, with real towns in them, so that a project "in Ashford" is led
by Kent's services and not by Cumbria's.
"""

from __future__ import annotations

import re

# What an organisation's name says about where it serves, once "Police", "Fire and Rescue Service"... are off.
_SUFFIX = re.compile(
    r"\s+(Police( Service)?|Constabulary|Fire and Rescue( Service| Authority)?|Fire Brigade|Fire Service|"
    r"Ambulance Service.*|Ambulance Services.*)$"
)
PLACE_OF = {
    "Metropolitan": "London",
    "City of London": "City of London",
    "Essex County": "Essex",
    "Royal Berkshire": "Berkshire",
    "Avon": "Bristol and Avon",
    "Devon and Somerset": "Devon and Somerset",
    "County Durham and Darlington": "County Durham",
    "Hereford and Worcester": "Herefordshire and Worcestershire",
    "South East Coast": "Kent, Surrey and Sussex",
    "South Western": "South West",
    "South Central": "Hampshire and the Thames Valley",
    "Welsh": "Wales",
    "East of England": "East of England",
    "North East": "North East",
    "North West": "North West",
}
NO_PLACE = {"British Transport"}
# Places said with "the" in a sentence ("in the West Midlands"), though not in a name ("West Midlands ...").
WITH_THE = {
    "West Midlands",
    "East Midlands",
    "North East",
    "North West",
    "South West",
    "East of England",
    "City of London",
    "Isles of Scilly",
    "Thames Valley",
}  # national: they lead nothing "in" a place here

# Towns to put a station, a hub or a team in: keyed by the place an organisation serves.
TOWNS = {
    "Kent": ["Ashford", "Canterbury", "Maidstone", "Dover", "Sevenoaks", "Margate"],
    "Essex": ["Chelmsford", "Colchester", "Harlow", "Basildon", "Southend-on-Sea"],
    "Surrey": ["Guildford", "Woking", "Reigate", "Epsom"],
    "Sussex": ["Brighton", "Crawley", "Eastbourne", "Worthing"],
    "West Sussex": ["Crawley", "Horsham", "Chichester", "Worthing"],
    "East Sussex": ["Eastbourne", "Hastings", "Lewes", "Bexhill"],
    "Hampshire and Isle of Wight": ["Southampton", "Portsmouth", "Winchester", "Newport", "Basingstoke"],
    "Thames Valley": ["Oxford", "Reading", "Milton Keynes", "Slough", "Aylesbury"],
    "Oxfordshire": ["Oxford", "Banbury", "Witney", "Bicester"],
    "Buckinghamshire": ["Aylesbury", "High Wycombe", "Amersham"],
    "Berkshire": ["Reading", "Slough", "Newbury", "Bracknell"],
    "Hertfordshire": ["Stevenage", "St Albans", "Watford", "Hemel Hempstead"],
    "Bedfordshire": ["Bedford", "Luton", "Dunstable"],
    "Cambridgeshire": ["Cambridge", "Peterborough", "Huntingdon", "Ely"],
    "Norfolk": ["Norwich", "King's Lynn", "Great Yarmouth", "Thetford"],
    "Suffolk": ["Ipswich", "Bury St Edmunds", "Lowestoft"],
    "Lincolnshire": ["Lincoln", "Boston", "Grantham", "Skegness"],
    "Nottinghamshire": ["Nottingham", "Mansfield", "Newark-on-Trent", "Worksop"],
    "Derbyshire": ["Derby", "Chesterfield", "Buxton", "Ilkeston"],
    "Leicestershire": ["Leicester", "Loughborough", "Hinckley", "Melton Mowbray"],
    "Northamptonshire": ["Northampton", "Kettering", "Corby", "Wellingborough"],
    "Warwickshire": ["Warwick", "Nuneaton", "Rugby", "Stratford-upon-Avon"],
    "West Midlands": ["Birmingham", "Coventry", "Wolverhampton", "Dudley", "Walsall"],
    "Staffordshire": ["Stafford", "Stoke-on-Trent", "Burton upon Trent", "Tamworth"],
    "West Mercia": ["Worcester", "Shrewsbury", "Hereford", "Telford"],
    "Shropshire": ["Shrewsbury", "Telford", "Oswestry"],
    "Herefordshire and Worcestershire": ["Worcester", "Hereford", "Kidderminster", "Redditch"],
    "Gloucestershire": ["Gloucester", "Cheltenham", "Stroud", "Cirencester"],
    "Avon and Somerset": ["Bristol", "Bath", "Taunton", "Weston-super-Mare"],
    "Bristol and Avon": ["Bristol", "Bath", "Weston-super-Mare"],
    "Devon and Somerset": ["Exeter", "Taunton", "Barnstaple", "Yeovil"],
    "Devon and Cornwall": ["Exeter", "Plymouth", "Truro", "Torquay", "Bodmin"],
    "Cornwall": ["Truro", "Bodmin", "Penzance", "Newquay"],
    "Dorset": ["Bournemouth", "Poole", "Weymouth", "Dorchester"],
    "Dorset and Wiltshire": ["Salisbury", "Swindon", "Dorchester", "Poole"],
    "Wiltshire": ["Swindon", "Salisbury", "Chippenham", "Trowbridge"],
    "Greater Manchester": ["Manchester", "Salford", "Bolton", "Stockport", "Wigan"],
    "Merseyside": ["Liverpool", "St Helens", "Southport", "Birkenhead"],
    "Lancashire": ["Preston", "Blackpool", "Lancaster", "Burnley", "Blackburn"],
    "Cheshire": ["Chester", "Crewe", "Warrington", "Macclesfield"],
    "Cumbria": ["Carlisle", "Kendal", "Barrow-in-Furness", "Workington"],
    "Northumbria": ["Newcastle upon Tyne", "Sunderland", "Gateshead", "Blyth"],
    "Northumberland": ["Morpeth", "Hexham", "Blyth", "Cramlington"],
    "Tyne and Wear": ["Newcastle upon Tyne", "Sunderland", "Gateshead", "South Shields"],
    "Durham": ["Durham", "Darlington", "Bishop Auckland", "Peterlee"],
    "County Durham": ["Durham", "Darlington", "Bishop Auckland", "Peterlee"],
    "Cleveland": ["Middlesbrough", "Hartlepool", "Stockton-on-Tees", "Redcar"],
    "North Yorkshire": ["York", "Harrogate", "Scarborough", "Northallerton"],
    "West Yorkshire": ["Leeds", "Bradford", "Wakefield", "Huddersfield", "Halifax"],
    "South Yorkshire": ["Sheffield", "Doncaster", "Rotherham", "Barnsley"],
    "Humberside": ["Hull", "Grimsby", "Scunthorpe", "Goole"],
    "London": ["Croydon", "Hackney", "Lewisham", "Ealing", "Barking", "Enfield"],
    "South Wales": ["Cardiff", "Swansea", "Bridgend", "Merthyr Tydfil"],
    "Gwent": ["Newport", "Cwmbran", "Abergavenny", "Ebbw Vale"],
    "Dyfed-Powys": ["Carmarthen", "Aberystwyth", "Brecon", "Haverfordwest"],
    "Mid and West Wales": ["Carmarthen", "Aberystwyth", "Llanelli", "Brecon"],
    "North Wales": ["Wrexham", "Bangor", "Rhyl", "Llandudno"],
}

# theme, what it is called in a name ("{place} co-responding"), names with a {town} or {place}, and sentences
# for the summary (each with {place}, {lead} and {partner} to fill).
PROJECTS = {
    "co_responding": (
        ["{place} co-responding", "Co-responding to cardiac arrests in {place}", "{town} falls response"],
        "Firefighters from {fire} trained as first responders go to cardiac arrests and falls in {place} "
        "alongside paramedics, reaching patients before an ambulance can.",
    ),
    "shared_estates": (
        ["{town} blue light hub", "{town} shared emergency services station", "Shared station at {town}"],
        "{lead} and {partner} now work from one building in {town}, sharing a yard, training rooms and the "
        "cost of running them.",
    ),
    "joint_control_rooms": (
        ["{place} joint control room", "One control room for {place}"],
        "Call handlers from {lead} and {partner} sit together in one control room for {place}, so that "
        "incidents needing both services are dispatched from a single call.",
    ),
    "shared_support_services": (
        ["{place} shared back office", "Joint finance and HR service for {place}"],
        "{lead} and {partner} run payroll, finance and HR as one team, and no longer buy the same systems "
        "twice.",
    ),
    "joint_training": (
        ["{place} joint major incident training", "Joint driver training in {place}"],
        "Officers, firefighters and paramedics in {place} train together for major incidents, on one "
        "programme planned by {lead} and {partner}.",
    ),
    "prevention": (
        ["{place} safe and well visits", "Home safety visits in {town}"],
        "Firefighters from {fire} visiting older people in {place} check for falls risks and scams as well "
        "as smoke alarms, and refer anyone at risk to {other} or to social care.",
    ),
    "demand_management": (
        [
            "{place} missing person searches",
            "Forced entry for concern for welfare in {place}",
            "{place} mental health response",
        ],
        "{fire} helps {other} when someone is missing or cannot be reached at home in {place}, with "
        "drones, search teams or a crew to gain entry, so that officers and paramedics are freed up sooner.",
    ),
    "fleet_and_equipment": (
        ["{place} shared fleet workshop", "{town} joint vehicle workshop"],
        "One workshop in {town} services the police cars, fire engines and ambulances of {place}, with "
        "shared parts stock and one booking system.",
    ),
    "procurement": (
        ["{place} joint procurement", "Joint uniform and fuel buying in {place}"],
        "{lead} and {partner} buy uniforms, fuel and equipment through joint contracts, agreeing one "
        "specification instead of two.",
    ),
    "governance": (
        ["{place} collaboration board", "{place} blue light collaboration programme"],
        "A single board of chief officers from {lead} and {partner} oversees the collaboration programme "
        "in {place}, with one plan and one set of measures.",
    ),
    "data_sharing": (
        ["{place} incident data sharing", "Shared risk data for {place}"],
        "{lead} and {partner} share incident and risk data for {place} each week, so that prevention work "
        "goes where it is most needed.",
    ),
}
RESULTS = [
    "In its first year the average response time fell by {n} minutes.",
    "The partners expect to save about £{k},000 a year once it is fully running.",
    "{n}0 more vulnerable people were reached in the first year than the year before.",
    "Staff say it has made it easier to pick up the phone to colleagues in the other service.",
    "Fewer calls are passed between the services, and the public get one answer rather than two.",
]
LESSONS = [
    "Agree how data will be shared before the first shift, not after.",
    "Involve staff representatives from the start: it took longer when we did not.",
    "Bring both services' finance teams into the estates work early.",
    "Keep the governance light until the benefits are clear, then formalise it.",
    "Start measuring on day one, or you cannot show what changed.",
    "Name one lead in each service who can make decisions quickly.",
    "Expect IT systems that do not talk to each other, and budget for it.",
]
EVIDENCE = [
    "Response times from our own incident data, compared with the year before the project started.",
    "A survey of staff in both services, and feedback from people we visited.",
    "Costs from both services' accounts, checked by their finance teams.",
    "An independent review by a local university.",
]
FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Eleanor",
    "Farhan",
    "Gemma",
    "Harpreet",
    "Imogen",
    "James",
    "Kofi",
    "Laura",
    "Mohammed",
    "Niamh",
    "Owen",
    "Priya",
    "Rhys",
    "Sarah",
    "Tomasz",
    "Uzma",
    "Victoria",
    "William",
    "Yasmin",
    "Zoe",
    "Gareth",
    "Siobhan",
    "Adebayo",
    "Catrin",
    "Marcus",
    "Helen",
]
LAST_NAMES = [
    "Ahmed",
    "Bennett",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Thomas",
    "Walker",
    "Williams",
    "Wright",
    "Young",
    "Osei",
    "Kaur",
    "Murphy",
    "Price",
    "Shaw",
    "Turner",
]
JOB_TITLES = {
    "any": [
        "Collaboration manager",
        "Head of collaboration",
        "Programme manager",
        "Head of estates",
        "Head of business change",
    ],
    "police": ["Chief inspector, partnerships", "Superintendent, collaboration", "Inspector, prevention"],
    "fire_and_rescue": ["Station manager", "Group manager, prevention", "Area manager, response"],
    "ambulance": [
        "Clinical lead, urgent care",
        "Emergency operations centre manager",
        "Head of community response",
    ],
}
NEEDS_FIRE = {"co_responding", "prevention", "demand_management"}  # their summaries name the fire service


def place_of(name: str) -> str | None:
    """Where an organisation serves, from its name: "Kent Fire and Rescue Service" → "Kent"."""
    stem = _SUFFIX.sub("", name).strip()
    if stem in NO_PLACE:
        return None
    return PLACE_OF.get(stem, stem)


def towns_of(place: str) -> list[str]:
    return TOWNS.get(place, [])


def in_sentence(place: str) -> str:
    return f"the {place}" if place in WITH_THE else place
