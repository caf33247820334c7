"""The load generator: virtual users in threads, each a browser of its own, looping the cycle

    GET a page → read its csrf_token and opened_as → POST its answers → follow the 302 → GET the next page

against a server on loopback. Only the standard library: http.client, one new connection per request (as a
proxy in front of gunicorn makes them), and a small cookie jar.

Every virtual user signs in (ours only), then all start together: a warm-up, then the measured window.
Throughput counts the good cycles that end inside the window; latencies are those of the cycles that start
inside it (a cycle in flight when the window closes is waited for, so long ones are not left out).

Anything but the expected answer is an error: a status other than 2xx/3xx, but also a page without its
form, a POST that does not redirect (form errors, a conflict) or a redirect anywhere but the next page (such
as the sign-in page).
"""

from __future__ import annotations

import http.client
import math
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import fmean
from urllib.parse import urlencode

from bench.answers import CYCLE_PAGES, page_answers
from bench.service_setup import Lead

CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
OPENED_AS = re.compile(rb'name="opened_as"[^>]*value="([^"]*)"')


class CycleError(Exception):
    """A cycle that did not go as a lead's browser expects."""


@dataclass(frozen=True)
class Response:
    status: int
    location: str | None
    body: bytes


class Browser:
    """Keeps cookies between requests; each request on a new connection."""

    def __init__(self, port: int, timeout: float = 30):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"Connection": "close", "User-Agent": "bench/1"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or ():
                self._keep(header)
            return Response(response.status, response.headers.get("Location"), data)
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        name, _, value = header.split(";", 1)[0].strip().partition("=")
        if not value or re.search(r"max-age=0\b", header, re.I):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        family = (
            "server error" if response.status >= 500 else "client error" if response.status >= 400 else ""
        )
        raise CycleError(f"{what} answered {response.status} {family}".strip())
    return response


def form_fields(response: Response, what: str) -> dict[str, str]:
    token, opened_as = CSRF.search(response.body), OPENED_AS.search(response.body)
    if not token or not opened_as:
        raise CycleError(f"{what} has no csrf_token or opened_as")
    return {"csrf_token": token.group(1).decode(), "opened_as": opened_as.group(1).decode()}


class ServicePlan:
    """One lead on our service, walking the cycle's pages of their own project."""

    def __init__(self, lead: Lead, offset: int):
        self.lead = lead
        self.offset = offset
        self.browser: Browser | None = None  # signed in once, kept from one run to the next
        self.cycles = 0

    def sign_in(self, browser: Browser) -> None:
        page = expect(browser.request("GET", "/sign-in"), 200, "GET /sign-in")
        match = CSRF.search(page.body)
        if not match:
            raise CycleError("the sign-in page has no csrf_token")
        form = {
            "email": self.lead.email,
            "password": self.lead.password,
            "csrf_token": match.group(1).decode(),
        }
        expect(browser.request("POST", "/sign-in", form), 302, "POST /sign-in")

    def answers(self, n: int) -> tuple[str, dict]:
        page_id = CYCLE_PAGES[(self.offset + n) % len(CYCLE_PAGES)]
        lead = self.lead
        return page_id, page_answers(page_id, lead_id=lead.organisation_id, partner_id=lead.partner_id, n=n)

    def step(self, n: int) -> tuple[str, str, dict]:
        """The page to GET, where to POST it and what."""
        page_id, answers = self.answers(n)
        path = f"/projects/{self.lead.submission_id}/{page_id}"
        return path, path, answers

    def is_next(self, location: str) -> bool:
        return location.startswith(f"/projects/{self.lead.submission_id}/")


class BarePlan(ServicePlan):
    """The yardstick's user: the same shape of cycle and the same answers, on the bare app; no sign-in."""

    def sign_in(self, browser: Browser) -> None:
        return None

    def step(self, n: int) -> tuple[str, str, dict]:
        return "/page", "/save", self.answers(n)[1]

    def is_next(self, location: str) -> bool:
        return location == "/next"


@dataclass(frozen=True)
class Cycle:
    start: float
    end: float
    steps: tuple[float, float, float]  # GET page, POST, GET next page
    error: str | None = None


@dataclass
class Window:
    start: float = 0.0
    stop: float = 0.0


@dataclass
class Outcome:
    """What one run (or several runs, merged) measured."""

    duration: float
    users: int
    cycles: list[Cycle]  # those started inside the measured window, failed ones included: latencies
    completed: int = 0  # good cycles that ended inside the window: throughput
    errors: Counter = field(default_factory=Counter)  # every failure: sign-in, warm-up and measured
    server_cpu: float = math.nan  # CPU seconds the server used in the window
    client_cpu: float = math.nan  # CPU seconds the load generator used in the window

    @property
    def good(self) -> list[Cycle]:
        return [c for c in self.cycles if c.error is None]

    @property
    def rate(self) -> float:
        return self.completed / self.duration if self.duration else math.nan

    def latency_ms(self, percentile: float, step: int | None = None) -> float:
        values = sorted((c.end - c.start) if step is None else c.steps[step] for c in self.good)
        if not values:
            return math.nan
        return 1000 * values[max(0, math.ceil(percentile / 100 * len(values)) - 1)]

    def mean_ms(self) -> float:
        return 1000 * fmean(c.end - c.start for c in self.good) if self.good else math.nan

    def server_cpu_ms_per_cycle(self) -> float:
        return 1000 * self.server_cpu / self.completed if self.completed else math.nan

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def merge(self, other: Outcome) -> Outcome:
        return Outcome(
            duration=self.duration + other.duration,
            users=max(self.users, other.users),
            cycles=self.cycles + other.cycles,
            completed=self.completed + other.completed,
            errors=self.errors + other.errors,
            server_cpu=self.server_cpu + other.server_cpu,
            client_cpu=self.client_cpu + other.client_cpu,
        )


def one_cycle(browser: Browser, plan, n: int) -> Cycle:
    get_path, post_path, answers = plan.step(n)
    start = time.perf_counter()
    marks = [start]
    try:
        page = expect(browser.request("GET", get_path), 200, "GET page")
        marks.append(time.perf_counter())
        saved = browser.request("POST", post_path, {**answers, **form_fields(page, "the page")})
        expect(saved, 302, "POST page")
        if not saved.location or not plan.is_next(saved.location):
            raise CycleError(f"POST redirected to {(saved.location or 'nowhere').split('?')[0]}")
        marks.append(time.perf_counter())
        expect(browser.request("GET", saved.location), 200, "GET next page")
        marks.append(time.perf_counter())
        error = None
    except CycleError as problem:
        error = str(problem)
    except OSError as problem:
        error = f"connection: {type(problem).__name__}"
    end = time.perf_counter()
    marks += [end] * (4 - len(marks))
    steps = (marks[1] - marks[0], marks[2] - marks[1], marks[3] - marks[2])
    return Cycle(start, end, steps, error)


def run(
    port: int, plans: list, *, warmup: float, duration: float, cpu_probe: Callable[[], float] | None = None
) -> Outcome:
    """Every plan's user signs in (once: plans keep their browser), then all loop the cycle for `warmup` +
    `duration` seconds. `cpu_probe` reads the server's CPU seconds at the window's start and end."""
    window = Window()
    started: list[list[Cycle]] = [[] for _ in plans]
    ended: list[list[Cycle]] = [[] for _ in plans]
    errors: Counter = Counter()
    lock = threading.Lock()
    opened = threading.Event()

    def open_window() -> None:
        window.start = time.perf_counter() + warmup
        window.stop = window.start + duration
        opened.set()

    ready = threading.Barrier(len(plans), action=open_window)

    def user(index: int, plan) -> None:
        if plan.browser is None:
            plan.browser = Browser(port)
            try:
                plan.sign_in(plan.browser)
            except (CycleError, OSError) as problem:
                plan.browser = None
                with lock:
                    errors[f"sign-in: {problem}"] += 1
                ready.wait()
                return
        ready.wait()
        n = plan.cycles
        while time.perf_counter() < window.stop:
            n += 1
            cycle = one_cycle(plan.browser, plan, n)
            if cycle.error:
                with lock:
                    errors[cycle.error] += 1
            if cycle.start >= window.start:
                started[index].append(cycle)
            if window.start <= cycle.end < window.stop and cycle.error is None:
                ended[index].append(cycle)
        plan.cycles = n

    threads = [threading.Thread(target=user, args=(i, plan), daemon=True) for i, plan in enumerate(plans)]
    for thread in threads:
        thread.start()
    opened.wait()
    probe = cpu_probe or (lambda: math.nan)
    _sleep_until(window.start)
    server_before, client_before = probe(), time.process_time()
    _sleep_until(window.stop)
    server_after, client_after = probe(), time.process_time()
    for thread in threads:
        thread.join()
    cycles = sorted((c for per_user in started for c in per_user), key=lambda c: c.start)
    return Outcome(
        duration=duration,
        users=len(plans),
        cycles=cycles,
        completed=sum(len(per_user) for per_user in ended),
        errors=errors,
        server_cpu=server_after - server_before,
        client_cpu=client_after - client_before,
    )


def run_open(
    port: int,
    plans: list,
    *,
    rate: float,
    warmup: float,
    duration: float,
    cpu_probe: Callable[[], float] | None = None,
) -> Outcome:
    """Open loop: cycles arrive at a fixed `rate` per second, evenly spaced, whatever the server does; each is
    taken by a free virtual user (the plans: enough of them that arrivals seldom wait for one). A cycle's
    latency runs from when it was due to arrive, so time spent waiting for a free user or a slow server
    counts (no coordinated omission)."""
    errors: Counter = Counter()
    lock = threading.Lock()
    for plan in plans:
        if plan.browser is None:
            plan.browser = Browser(port)
            try:
                plan.sign_in(plan.browser)
            except (CycleError, OSError) as problem:
                plan.browser = None
                errors[f"sign-in: {problem}"] += 1
    ready = [plan for plan in plans if plan.browser is not None]
    first = time.perf_counter() + 0.2
    window = Window(start=first + warmup, stop=first + warmup + duration)
    arrivals: queue.SimpleQueue[float | None] = queue.SimpleQueue()
    for number in range(int((warmup + duration) * rate)):
        arrivals.put(first + number / rate)
    for _ in ready:
        arrivals.put(None)
    cycles: list[Cycle] = []
    completed = [0]

    def user(plan) -> None:
        while (due := arrivals.get()) is not None:
            _sleep_until(due)
            plan.cycles += 1
            done = one_cycle(plan.browser, plan, plan.cycles)
            cycle = Cycle(due, done.end, done.steps, done.error)
            with lock:
                if cycle.error:
                    errors[cycle.error] += 1
                if window.start <= due < window.stop:
                    cycles.append(cycle)
                if window.start <= cycle.end < window.stop and cycle.error is None:
                    completed[0] += 1

    threads = [threading.Thread(target=user, args=(plan,), daemon=True) for plan in ready]
    for thread in threads:
        thread.start()
    probe = cpu_probe or (lambda: math.nan)
    _sleep_until(window.start)
    server_before, client_before = probe(), time.process_time()
    _sleep_until(window.stop)
    server_after, client_after = probe(), time.process_time()
    for thread in threads:
        thread.join()
    return Outcome(
        duration=duration,
        users=len(plans),
        cycles=sorted(cycles, key=lambda c: c.start),
        completed=completed[0],
        errors=errors,
        server_cpu=server_after - server_before,
        client_cpu=client_after - client_before,
    )


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.perf_counter()))


def plans_for(kind: str, leads: list[Lead]) -> list:
    """One plan per virtual user, each starting at a different page of the cycle."""
    plan = ServicePlan if kind == "ours" else BarePlan
    return [plan(lead, offset=index) for index, lead in enumerate(leads)]
