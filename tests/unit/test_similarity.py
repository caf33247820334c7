"""Possible duplicates: a reviewer sees the other partner's description of the same joint project, and not the
partners' other projects."""

from __future__ import annotations

import time

import pytest

from app.services.review.similarity import (
    Candidate,
    name_similarity,
    possible_duplicates,
    summary_similarity,
    words,
)

KENT_POLICE, KENT_FIRE, SECAMB = 1, 2, 3
ESSEX_POLICE, ESSEX_FIRE = 4, 5
SURREY_FIRE, WEST_SUSSEX_FIRE, EAST_SUSSEX_FIRE = 6, 7, 8
WEST_MERCIA_POLICE, HW_FIRE = 9, 10
NORTHANTS_POLICE, NORTHANTS_FIRE = 11, 12
DEVON_POLICE, DEVON_FIRE, SWAST = 13, 14, 15
LINCS_POLICE, LINCS_FIRE, EMAS = 16, 17, 18
CHESHIRE_POLICE, CHESHIRE_FIRE = 19, 20

_count = 0


def project(organisations: set[int], name: str, summary: str) -> Candidate:
    global _count
    _count += 1
    return Candidate(f"submission:{_count}", frozenset(organisations), name, summary)


# The same project, as each partner described it.
DUPLICATES = {
    "co-responding": (
        project(
            {KENT_POLICE, KENT_FIRE, SECAMB},
            "Kent and Medway co-responding",
            "Firefighters from Kent Fire and Rescue Service respond to cardiac arrests and other "
            "life-threatening medical emergencies on behalf of South East Coast Ambulance Service. Crews are "
            "trained in first aid and defibrillation and are sent at the same time as an ambulance.",
        ),
        project(
            {KENT_FIRE, SECAMB},
            "Co-responding in Kent & Medway",
            "On-call firefighters attend cardiac arrests and life-threatening calls for SECAmb across Kent "
            "and Medway, arriving before the ambulance and starting CPR and defibrillation.",
        ),
    ),
    "blue light hub": (
        project(
            {ESSEX_POLICE, ESSEX_FIRE},
            "Harlow Blue Light Hub",
            "Essex Police have moved their Harlow neighbourhood team into Harlow fire station. Officers and "
            "firefighters share the building, the car park and the training rooms, and we sold the old "
            "police station.",
        ),
        project(
            {ESSEX_FIRE, ESSEX_POLICE},
            "Essex blue light hub at Harlow fire station",
            "Harlow fire station was refurbished so that the Harlow police neighbourhood team could move in. "
            "The building is now shared by both services, and the police station was sold.",
        ),
    ),
    "control room": (
        project(
            {SURREY_FIRE, WEST_SUSSEX_FIRE, EAST_SUSSEX_FIRE},
            "Surrey and Sussex joint fire control",
            "A single control room in Salfords takes 999 calls and mobilises fire engines for Surrey, West "
            "Sussex and East Sussex. Control operators work to one set of procedures on one mobilising "
            "system.",
        ),
        project(
            {WEST_SUSSEX_FIRE, SURREY_FIRE},
            "Joint Fire Control (Surrey & West Sussex)",
            "West Sussex calls are now handled in the Salfords control room alongside Surrey's. One "
            "mobilising system and one team of control operators mobilise fire engines for both counties.",
        ),
    ),
    "missing people": (
        project(
            {LINCS_POLICE, LINCS_FIRE},
            "Missing persons search support",
            "When a vulnerable person goes missing, Lincolnshire Police can ask the fire service to search. "
            "Fire crews search open land, water and buildings with thermal imaging cameras and the drone "
            "team, freeing officers for other enquiries.",
        ),
        project(
            {LINCS_FIRE, LINCS_POLICE},
            "Fire service help with searches for missing people",
            "Our crews search for missing and vulnerable people at the request of Lincolnshire Police. They "
            "use thermal imaging cameras, drones and water rescue teams to search open land, rivers and "
            "empty buildings.",
        ),
    ),
    "headquarters": (
        project(
            {WEST_MERCIA_POLICE, HW_FIRE},
            "Shared headquarters at Hindlip",
            "Hereford and Worcester Fire and Rescue Service moved its headquarters into the West Mercia "
            "Police headquarters at Hindlip Park in Worcester. The two services share offices, meeting rooms "
            "and the canteen.",
        ),
        project(
            {HW_FIRE, WEST_MERCIA_POLICE},
            "Hindlip Park HQ move",
            "Our headquarters staff moved from Worcester city centre into West Mercia Police's headquarters "
            "at Hindlip Park, sharing offices and meeting rooms, and we sold our old headquarters building.",
        ),
    ),
    "gaining entry": (
        project(
            {DEVON_FIRE, SWAST},
            "Gaining entry for the ambulance service",
            "When an ambulance crew cannot get into a home where a patient may have fallen or be seriously "
            "ill, Devon and Somerset Fire and Rescue Service force entry instead of the police.",
        ),
        project(
            {SWAST, DEVON_FIRE, DEVON_POLICE},
            "Forced entry on behalf of SWASFT",
            "Fire crews force entry to homes where a patient cannot open the door, so ambulance crews reach "
            "patients who have fallen or are ill quicker and police officers are not called out.",
        ),
    ),
    "fleet workshop": (
        project(
            {NORTHANTS_POLICE, NORTHANTS_FIRE},
            "Northamptonshire shared fleet workshop",
            "Police cars and fire engines are serviced and repaired in one workshop at Moulton, run by one "
            "fleet team for both services.",
        ),
        project(
            {NORTHANTS_FIRE, NORTHANTS_POLICE},
            "Joint vehicle workshops, Northamptonshire",
            "One fleet team now services and repairs fire engines and police vehicles at the Moulton "
            "workshop, instead of two separate workshops.",
        ),
    ),
    "safe and well": (
        project(
            {CHESHIRE_POLICE, CHESHIRE_FIRE},
            "Safe and Well referrals",
            "Police officers refer vulnerable people they meet to Cheshire Fire and Rescue Service for a "
            "Safe and Well visit, where advisers fit smoke alarms and give advice on falls and home fire "
            "safety.",
        ),
        project(
            {CHESHIRE_FIRE, CHESHIRE_POLICE},
            "Safe & Well visit referral scheme with Cheshire Constabulary",
            "Officers from Cheshire Constabulary can refer vulnerable residents for a Safe and Well visit. "
            "Our advisers visit, fit smoke alarms and give home fire safety and falls advice.",
        ),
    ),
    "rural officers": (
        project(
            {DEVON_POLICE, DEVON_FIRE},
            "Tri-service safety officers",
            "Tri-service safety officers in rural Devon and Cornwall are on-call firefighters, trained as "
            "first responders for the ambulance service and with police community support officer powers.",
        ),
        project(
            {DEVON_FIRE, DEVON_POLICE, SWAST},
            "Tri service safety officer (TSSO) pilot",
            "One officer in each rural community does prevention and community safety work for the police, "
            "fire and ambulance services: an on-call firefighter who is also a first responder and a PCSO.",
        ),
    ),
}

# Different projects run by the same partners: these must not be offered as duplicates.
DIFFERENT = {
    "estates and training": (
        project(
            {KENT_POLICE, KENT_FIRE},
            "Kent shared estates programme",
            "Kent Police and Kent Fire and Rescue Service are reviewing every building they own to find "
            "stations and offices that could be shared, sold or rebuilt as joint premises.",
        ),
        project(
            {KENT_POLICE, KENT_FIRE},
            "Kent joint training programme",
            "Police officers and firefighters in Kent attend joint training in first aid, driving and "
            "incident command, run by trainers from both services at the fire service training centre.",
        ),
    ),
    "co-responding and community safety": (
        project(
            {KENT_FIRE, SECAMB},
            "Kent and Medway co-responding",
            "Firefighters respond to cardiac arrests and life-threatening medical emergencies on behalf of "
            "South East Coast Ambulance Service, arriving before the ambulance.",
        ),
        project(
            {KENT_FIRE, SECAMB, KENT_POLICE},
            "Kent and Medway community safety partnership",
            "Partners share information on anti-social behaviour, deliberate fires and road safety, and plan "
            "joint prevention campaigns in schools and town centres across Kent and Medway.",
        ),
    ),
    "hub and fleet": (
        project(
            {ESSEX_POLICE, ESSEX_FIRE},
            "Harlow Blue Light Hub",
            "Essex Police have moved their Harlow neighbourhood team into Harlow fire station. Officers and "
            "firefighters share the building and the training rooms.",
        ),
        project(
            {ESSEX_POLICE, ESSEX_FIRE},
            "Essex joint fleet procurement",
            "Essex Police and Essex County Fire and Rescue Service buy vehicles, tyres and fuel through one "
            "procurement team and one set of contracts, saving money on both fleets.",
        ),
    ),
    "control room and breathing apparatus": (
        project(
            {SURREY_FIRE, WEST_SUSSEX_FIRE},
            "Surrey and Sussex joint fire control",
            "A single control room takes 999 calls and mobilises fire engines for Surrey and West Sussex.",
        ),
        project(
            {SURREY_FIRE, WEST_SUSSEX_FIRE, EAST_SUSSEX_FIRE},
            "Surrey and Sussex joint breathing apparatus procurement",
            "The three fire and rescue services bought the same breathing apparatus sets through one "
            "contract, so firefighters can work together at large fires with compatible equipment.",
        ),
    ),
    "headquarters and payroll": (
        project(
            {WEST_MERCIA_POLICE, HW_FIRE},
            "Shared headquarters at Hindlip",
            "Hereford and Worcester Fire and Rescue Service moved its headquarters into the West Mercia "
            "Police headquarters at Hindlip Park.",
        ),
        project(
            {WEST_MERCIA_POLICE, HW_FIRE},
            "Shared HR and payroll service",
            "West Mercia Police run HR, payroll and pensions administration for Hereford and Worcester Fire "
            "and Rescue Service staff under a service level agreement.",
        ),
    ),
    "workshop and governance": (
        project(
            {NORTHANTS_POLICE, NORTHANTS_FIRE},
            "Northamptonshire shared fleet workshop",
            "Police cars and fire engines are serviced and repaired in one workshop, run by one fleet team.",
        ),
        project(
            {NORTHANTS_POLICE, NORTHANTS_FIRE},
            "Northamptonshire shared enabling services",
            "Finance, estates, IT and fleet support for Northamptonshire Police and Northamptonshire Fire "
            "and Rescue Service are run by one enabling services team under the Police, Fire and Crime "
            "Commissioner.",
        ),
    ),
    "entry and mental health": (
        project(
            {DEVON_FIRE, SWAST},
            "Gaining entry for the ambulance service",
            "When an ambulance crew cannot get into a home where a patient may have fallen or be seriously "
            "ill, fire crews force entry instead of the police.",
        ),
        project(
            {DEVON_POLICE, SWAST},
            "Mental health triage car",
            "A police officer and a mental health nurse respond together to calls about people in mental "
            "health crisis, so fewer people are detained or taken to hospital by ambulance.",
        ),
    ),
    "search and drones": (
        project(
            {LINCS_POLICE, LINCS_FIRE},
            "Missing persons search support",
            "When a vulnerable person goes missing, Lincolnshire Police can ask the fire service to search "
            "open land, water and buildings.",
        ),
        project(
            {LINCS_POLICE, LINCS_FIRE, EMAS},
            "Lincolnshire drone unit",
            "Police and fire drone pilots share aircraft, training and a duty rota. The drones are used at "
            "large fires, road traffic collisions and crime scenes.",
        ),
    ),
    "referrals and fire investigation": (
        project(
            {CHESHIRE_POLICE, CHESHIRE_FIRE},
            "Safe and Well referrals",
            "Police officers refer vulnerable people they meet for a Safe and Well visit, where advisers fit "
            "smoke alarms and give advice on home fire safety.",
        ),
        project(
            {CHESHIRE_POLICE, CHESHIRE_FIRE},
            "Joint fire investigation team",
            "Fire investigators and police scenes of crime officers investigate deliberate and fatal fires "
            "together, sharing a fire investigation dog and a single report for the coroner.",
        ),
    ),
}


@pytest.mark.parametrize("pair", DUPLICATES.values(), ids=DUPLICATES.keys())
def test_the_other_partners_description_of_the_same_project_is_a_possible_duplicate(pair):
    first, second = pair
    assert [match.candidate for match in possible_duplicates(first, [second])] == [second]
    assert [match.candidate for match in possible_duplicates(second, [first])] == [first]


@pytest.mark.parametrize("pair", DIFFERENT.values(), ids=DIFFERENT.keys())
def test_a_different_project_between_the_same_partners_is_not_a_possible_duplicate(pair):
    first, second = pair
    assert possible_duplicates(first, [second]) == []
    assert possible_duplicates(second, [first]) == []


def test_every_realistic_project_finds_its_own_duplicate_first_among_all_the_others():
    # The DIFFERENT pairs mostly start from a copy of a duplicate project: leave those copies out.
    distinct = [second for _, second in DIFFERENT.values()] + [DIFFERENT["estates and training"][0]]
    everything = [c for pair in DUPLICATES.values() for c in pair] + distinct
    for first, second in DUPLICATES.values():
        assert possible_duplicates(first, everything)[0].candidate == second
        assert possible_duplicates(second, everything)[0].candidate == first


def test_the_same_project_is_offered_whoever_sent_it():
    # One partner's return and another's need not name a single organisation in common (issue 13).
    subject = Candidate("submission:1", frozenset({KENT_POLICE, KENT_FIRE}), "Blue light hub", "")
    elsewhere = Candidate("submission:2", frozenset({ESSEX_POLICE, ESSEX_FIRE}), "Blue light hub", "")
    nearby = Candidate("record:7", frozenset({KENT_FIRE, SECAMB}), "Blue Light Hub", "")

    matches = possible_duplicates(subject, [elsewhere, nearby])

    assert {match.candidate.key for match in matches} == {"submission:2", "record:7"}
    shared = {match.candidate.key: match.shared_organisations for match in matches}
    assert shared == {"submission:2": frozenset(), "record:7": frozenset({KENT_FIRE})}


def test_the_subject_itself_is_never_offered():
    subject = Candidate("submission:1", frozenset({KENT_POLICE}), "Blue light hub", "A shared station.")
    same_again = Candidate("submission:1", frozenset({KENT_POLICE}), "Blue light hub", "A shared station.")

    assert possible_duplicates(subject, [subject, same_again]) == []


def test_the_reason_says_what_a_reviewer_should_look_at():
    first, second = DUPLICATES["co-responding"]
    hub, _other_hub = DUPLICATES["blue light hub"]
    headquarters, other_headquarters = DUPLICATES["headquarters"]
    hub_renamed = Candidate("record:4", frozenset({99}), "Harlow Blue Light Hub", "Something else.")

    assert possible_duplicates(first, [second])[0].reason == (
        "The same name and a similar summary; 2 organisations in common"
    )
    assert possible_duplicates(hub, [hub_renamed])[0].reason == "The same name; no organisation in common"
    assert possible_duplicates(headquarters, [other_headquarters])[0].reason == (
        "A similar summary; 2 organisations in common"
    )


def test_best_matches_come_first_up_to_the_limit():
    subject = Candidate("submission:1", frozenset({KENT_FIRE}), "Kent and Medway co-responding", "")
    exact = Candidate("record:1", frozenset({KENT_FIRE}), "Co-responding in Kent & Medway", "")
    close = Candidate("record:2", frozenset({KENT_FIRE}), "Kent & Medway co-responders", "")
    closer = Candidate("record:3", frozenset({KENT_FIRE}), "Kent and Medway co-responding scheme", "")

    matches = possible_duplicates(subject, [close, exact, closer])

    assert [match.candidate.key for match in matches] == ["record:1", "record:3", "record:2"]
    assert [match.candidate.key for match in possible_duplicates(subject, [close, exact], limit=1)] == [
        "record:1"
    ]
    assert possible_duplicates(subject, [exact], limit=0) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Kent and Medway co-responding", "Co-responding in Kent & Medway"),
        ("The Blue Light Hub project", "blue light hubs"),
        ("Safe & Well pilot", "SAFE AND WELL scheme"),
        ("Fire stations' shared use", "fire station shared use"),
    ],
)
def test_case_punctuation_ampersands_plurals_and_stop_words_do_not_matter(first, second):
    assert name_similarity(first, second) == 1.0


def test_words_keep_what_identifies_a_project():
    assert words("The Kent & Medway Co-Responding Pilot (2024)") == ["kent", "medway", "coresponding", "2024"]


def test_empty_text_is_not_similar_to_anything():
    assert name_similarity("", "Blue light hub") == 0.0
    assert name_similarity("The project", "The project") == 0.0
    assert summary_similarity("", "") == 0.0


def test_hundreds_of_candidates_are_compared_quickly():
    first, _ = DUPLICATES["co-responding"]
    pool = [c for pair in (*DUPLICATES.values(), *DIFFERENT.values()) for c in pair]
    others = [
        Candidate(f"record:{n}", frozenset({KENT_FIRE, n + 100}), f"{c.name} {n}", c.summary * 5)
        for n, c in enumerate(pool * (500 // len(pool) + 1))
    ][:500]

    started = time.perf_counter()
    matches = possible_duplicates(first, others, limit=10)
    elapsed = time.perf_counter() - started

    assert len(matches) == 10
    assert elapsed < 1.0
