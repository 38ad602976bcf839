"""Write the three example workbooks, openai.xlsx, xiaoice_rmb.xlsx and ai_writer.xlsx, from the
figures below.

The .xlsx files are what analysts edit and what `make report` runs; this script is how they were made,
kept so that every figure's source can be reviewed as text. Running it again overwrites edits made in
Excel: `python assumptions/make_examples.py`.

Every figure cites the article it comes from by its id on the workbook's Sources sheet (SOURCES below:
title, author, publisher and date as each article gives them; its file in ../shared/seeds/, listed in
SEED-FIGURES.md, is only its location), or says it is the model's own estimate, with the reasoning.

A scenario decides what is uncertain in it (README): a scenario cell with a value fixes the row in
that scenario, a cell with a range (``15%..15%..20%`` = low..most likely..high) is its own range.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cashcast.models.reading.known_sources import KNOWN_SOURCES
from cashcast.reports.excel.assumptions import AssumptionRow as R
from cashcast.reports.excel.assumptions import CorrelationRow as C
from cashcast.reports.excel.assumptions import SourceRow as S
from cashcast.reports.excel.assumptions import write_assumption_workbook
from cashcast.reports.excel.checks_input import CheckRow as K

# The five articles, each one row of the Sources sheet, cited by id (its file name is only its location)
A000, A001, A002, A003, A004 = "A000", "A001", "A002", "A003", "A004"
EST = "estimate (the model's own)"
# the register's rows, as models/reading/known_sources.py holds them (cashcast upgrade reads the same)
SOURCES = {s["id"]: S(**{**s, "date": s["date"] or None}) for s in KNOWN_SOURCES.values()}
HERE = Path(__file__).resolve().parent


def month(y: int, m: int) -> dt.date:
    return dt.date(y, m, 1)


def openai() -> tuple[list, list[R], list[tuple[str, str]]]:
    settings = [
        ("company", "OpenAI", "the company the articles discuss", {}, A001),
        ("title", "OpenAI: when does the funding run out?", "the question the source articles ask", {},
         A004 + "; " + A001),
        ("start_month", month(2023, 1), "January 2023: ChatGPT public since Nov 2022", {}, A001),
        ("horizon_months", 120, "ten years, to December 2032"),
        ("currency", "USD", ""),
        ("discount_rate", 0.12, EST + ": a venture-stage annual discount rate"),
        ("opening_cash", 1_000_000_000, EST + ": cash left at the start of 2023. The articles give money "
         "raised before (a $1B pledge, $1B in 2019, $2B in 2021 — " + A002 + "; nearly $8B from "
         "Microsoft in all — " + A001 + ") and the 2022 loss ($540M — " + A004 + "), not a balance"),
        ("minimum_cash", 0, "running below zero counts as running out"),
    ]
    plus, lic, ads = "ChatGPT Plus", "API licensing", "Advertising"
    rows = [
        R(plus, "subscription", "audience", 1e9, "visits/month", 5e8, 1.5e9, None, A001,
          "ChatGPT (GPT-3.5) visits: 1 billion (10亿人次); low/high are the model's own range",
          {"seed-001": None, "claim-004": 1e8}),
        R(plus, "subscription", "audience.ramp_from", 1e8, "visits/month", None, None, None, A001 + "; " + A000 + "; " + A003 + " ¶1",
          "over 100 million users in January 2023: the audience grows from there",
          {"seed-001": 1e9}),
        R(plus, "subscription", "audience.ramp_months", 12, "months", None, None, None, EST,
          "months to reach the full audience", {"claim-004": None}),
        R(plus, "subscription", "conversion", 0.01, "%", 0.005, 0.02, None, A001,
          "paid conversion of an internet platform: about 1%; low/high are the model's own range"),
        R(plus, "subscription", "price", 20, "USD/month", None, None, None, A001, "ChatGPT Plus: about $20 a month"),
        R(plus, "subscription", "churn", 0.05, "%", 0.02, 0.10, None, EST,
          "monthly cancellations when the audience shrinks"),
        R(plus, "subscription", "start_month", month(2023, 2), "date", None, None, None, EST,
          "Plus launched early 2023 (not in the articles)", {"seed-001": month(2023, 1)}),
        R(lic, "licensing", "customers", 200, "platforms", 100, 300, None, A001,
          "about 200 US internet platforms would license; low/high the model's own", {"claim-004": 0}),
        R(lic, "licensing", "customers.ramp_from", 20, "platforms", None, None, None, EST,
          "platforms signed in the first month", {"seed-001": 200, "claim-004": 0}),
        R(lic, "licensing", "customers.ramp_months", 24, "months", None, None, None, EST,
          "months to sign all platforms"),
        R(lic, "licensing", "annual_fee", 1_000_000, "USD/year", 500_000, 2_000_000, None, A001,
          "about $1 million a year per platform, by analogy with Microsoft's licensing"),
        R(lic, "licensing", "start_month", month(2023, 3), "date", None, None, None, EST,
          "a quarter after ChatGPT went public to sign the first platforms (the articles give no date)",
          {"seed-001": month(2023, 1)}),
        R(ads, "advertising", "market_size", 220e9, "USD/year", 220e9, 300e9, None, A001,
          "Google's advertising revenue: $220–300 billion a year", {"ads-20pct": 300e9}),
        R(ads, "advertising", "share", 0.0, "%", None, None, None, A001,
          "no ad business in the base case (so no range: the base case draws none); A001 says OpenAI needs "
          "15–20% of Google's market, so each ad scenario draws its share from that range, most likely "
          "its own figure",
          {"ads-15pct": "15%..15%..20%", "ads-20pct": "15%..20%..20%"}),
        R(ads, "advertising", "share.ramp_months", 36, "months", None, None, None, EST,
          "months to build the ad share up from nothing"),
        R(ads, "advertising", "start_month", month(2024, 1), "date", None, None, None, EST,
          "a year to build an ad product; only the ad scenarios give it a share"),
        R("Serving ChatGPT", "inference", "cost_per_day", 700_000, "USD/day", 500_000, 1_000_000, None, A004,
          "running ChatGPT: about $700,000 a day; low/high the model's own"),
        R("Frontier training", "training", "runs_per_year", 2, "runs", 1, 4, None, EST,
          "one GPT-4-class run and one smaller run a year"),
        R("Frontier training", "training", "cost_per_run", 50_000_000, "USD/run", 12_000_000, 100_000_000, None,
          A001, "GPT-4: over $50 million a run; low is GPT-3.5's $12 million (" + A001 + "); high the "
          "model's own"),
        R("Frontier training", "training", "cost_per_run.growth", 0.5, "%/year", 0.2, 1.0, None, EST,
          "each generation costs more (GPT-3 $4.6M " + A002 + " → GPT-4 $50M+ " + A001 + ")"),
        R("Staff", "headcount", "employees", 500, "people", None, None, None, A002, "OpenAI staff: about 500"),
        R("Staff", "headcount", "employees.growth", 0.3, "%/year", None, None, None, EST,
          "hiring at 30% a year, the pace of a lab raising $20B a year (the articles give only today's 500)"),
        R("Staff", "headcount", "cost_per_employee", 300_000, "USD/year", 200_000, 500_000, None, EST,
          "fully loaded cost per person"),
        R("Staff", "headcount", "stock_share", 0.5, "%", None, None, None, EST,
          "stock-based pay worth half the cash pay, on top of it ($150K a year on $300K): late-stage AI "
          "labs pay a large part of their staff in equity; the articles give no figure. Not cash: it "
          "makes the net loss larger than the cash burn"),
        R("Microsoft 2023", "funding", "amount", 10e9, "USD", None, None, None, A001 + "; " + A002,
          "Microsoft's $10 billion in early 2023", {"claim-004": 0}),
        R("Microsoft 2023", "funding", "month", month(2023, 1), "date", None, None, None, A001, ""),
        R("Microsoft 2023", "funding", "post_money", 29e9, "USD", None, None, None, A000 + "; " + A002,
          "post-money: " + A002 + " says Microsoft's further $10 billion took OpenAI's valuation to $29 billion "
          "(the value with the money in); " + A000 + " has it rising from $20 billion to $29 billion a month "
          "after launch, and $29B − $10B = $19B is close to the $20B before. The April 2023 round has no "
          "valuation in the articles, so no cap table is computed after it"),
        R("April 2023 round", "funding", "amount", 10.3e9, "USD", None, None, None, A001,
          "$10.3 billion reported at the end of April 2023 (with the $10B: about $20B raised in 2023)",
          {"claim-004": 0}),
        R("April 2023 round", "funding", "month", month(2023, 4), "date", None, None, None, A001, ""),
    ]
    for r in rows:  # drop the placeholders used above to keep the table readable
        r.overrides = {k: v for k, v in r.overrides.items() if v is not None}
    scenarios = [
        ("base", "The articles' levers: subscriptions and licensing growing into Zhang Jinjing's figures, "
         "serving at $700K a day, frontier training, no advertising; $20.3B raised in 2023",
         A001 + "; " + A004),
        ("seed-001", "Zhang Jinjing's arithmetic: 1 billion visits × 1% × $20 a month and 200 licensees × "
         "$1M a year, all from the first month: $2.4B and $200M every full year", A001),
        ("claim-004", "The bankruptcy claim Beijing Business Today reports: no money raised after 2022, "
         "ChatGPT's January 2023 audience of 100 million and no licensing, at $700K a day — does cash run out "
         "by the end of 2024?", A004),
        ("ads-15pct", "Zhang Jinjing's way out: 15% of Google's $220B ad market, built up over three years", A001),
        ("ads-20pct", "Zhang Jinjing's upper case: 20% of a $300B ad market", A001),
    ]
    return settings, rows, scenarios


def xiaoice_rmb() -> tuple[list, list[R], list[tuple[str, str]]]:
    settings = [
        ("company", "A Chinese AI challenger (illustrative)", EST + ": a hypothetical company, not a real one"),
        ("title", "A Chinese AI challenger in RMB: runway, break-even and the money to raise",
         "the question 004 asks of large models: whether revenue covers the running costs before the money "
         "runs out", {}, A004),
        ("start_month", month(2023, 6), EST + ": a challenger founded mid-2023"),
        ("horizon_months", 120, ""),
        ("currency", "RMB", "the workbook is kept in RMB; USD rows are converted with fx_USD"),
        ("discount_rate", 0.15, EST),
        ("opening_cash", 0, "the founders' money arrives as the first funding round"),
        ("minimum_cash", 10_000_000, EST + ": keep 10 million RMB in the bank"),
        ("fx_USD", 7.2, EST + ": RMB per US dollar, 2023"),
    ]
    rows = [
        R("Entry ticket", "funding", "amount", 50_000_000, "USD", 50_000_000, 100_000_000, None, A002,
          "the $50 million 'entry ticket' of a large-model startup, rumoured to rise to $100 million",
          {"ticket-100m": 100_000_000}),
        R("Entry ticket", "funding", "month", month(2023, 6), "date", None, None, None, A002, ""),
        R("GPU cluster", "hardware", "units", 1000, "GPUs", None, None, None, A002,
          "a 10B+ parameter model needs 1,000 GPUs for a month"),
        R("GPU cluster", "hardware", "unit_price", 50_000, "RMB/GPU", 30_000, 50_000, None, A002,
          "GPUs cost 30,000–50,000 RMB each in China (50,000 average): 50 million RMB for 1,000"),
        R("GPU cluster", "hardware", "purchase_month", month(2023, 7), "date", None, None, None, EST,
          "bought the month after the ticket arrives"),
        R("GPU cluster", "hardware", "useful_life_months", 36, "months", None, None, None, EST,
          "three years, a common depreciation life for data-centre GPUs"),
        R("Rival-scale hardware", "hardware", "units", 0, "lots", None, None, None, A000,
          "off in the base case; scenario rival-hardware buys one year's worth", {"rival-hardware": 1}),
        R("Rival-scale hardware", "hardware", "unit_price", 1e9, "USD/lot", None, None, None, A000,
          "about $1 billion a year of GPUs and CPUs to train a ChatGPT rival"),
        R("Rival-scale hardware", "hardware", "purchase_month", month(2024, 1), "date", None, None, None, EST,
          "the scenario buys at the start of the first full year"),
        R("Rival-scale hardware", "hardware", "useful_life_months", 36, "months", None, None, None, EST,
          "as the GPU cluster"),
        R("Pre-training", "training", "runs_per_year", 2, "runs", 1, 4, None, EST,
          "a new base model every six months to keep up with the 20-odd Chinese models (A001)"),
        R("Pre-training", "training", "gpus", 1000, "GPUs", None, None, None, A002, "'1,000 GPU-months' for a 10B+ model"),
        R("Pre-training", "training", "months_per_run", 1, "months", None, None, None, A002, ""),
        R("Pre-training", "training", "gpu_month_price", 5_000, "RMB/GPU-month", 3_000, 8_000, None, EST,
          "renting cloud GPUs cut a from-scratch run to a few million RMB (" + A002 + "); 5,000 RMB per "
          "GPU-month is the model's own reading of that"),
        R("Fine-tuning", "training", "runs_per_year", 12, "runs", None, None, None, EST, "monthly fine-tunes"),
        R("Fine-tuning", "training", "gpus", 100, "GPUs", None, None, None, A002, "fine-tuning needs about 100 GPUs"),
        R("Fine-tuning", "training", "months_per_run", 1, "months", None, None, None, EST,
          "one month a run, as pre-training's GPU-month"),
        R("Fine-tuning", "training", "gpu_month_price", 5_000, "RMB/GPU-month", 3_000, 8_000, None, EST,
          "as pre-training"),
        R("Serving", "inference", "cost_per_day", 1_000_000, "RMB/day", 500_000, 3_000_000, None, EST,
          "1/300 of the 300 million RMB a day Xiaoice would pay at its own dialogue volume (" + A000 + ")",
          {"xiaoice-scale": 300_000_000}),
        R("Serving", "inference", "cost_per_day.s_curve_midpoint", 30, "months", None, None, None, EST,
          "serving grows with users, who arrive with the product"),
        R("Serving", "inference", "cost_per_day.s_curve_width", 24, "months", None, None, None, EST,
          "two years from 10% to 90% of the users, as the consumer app's audience"),
        R("R&D team", "headcount", "employees", 50, "people", None, None, None, EST,
          "a team of 50, the size Caiyun's 10 million RMB R&D budget (A002) pays at 200,000 RMB each"),
        R("R&D team", "headcount", "cost_per_employee", 200_000, "RMB/year", None, None, None, A002,
          "Caiyun's ceiling of 10 million RMB a year for R&D, over 50 people"),
        R("Consumer app", "subscription", "audience", 100_000_000, "users", 20_000_000, 200_000_000, None, EST,
          "ChatGPT reached over 100 million users (" + A000 + "); the challenger's reach is the model's own"),
        R("Consumer app", "subscription", "audience.s_curve_midpoint", 24, "months", None, None, None, EST,
          "half the audience two years in, when sales start"),
        R("Consumer app", "subscription", "audience.s_curve_width", 24, "months", None, None, None, EST,
          "two years from 10% to 90% of the audience"),
        R("Consumer app", "subscription", "conversion", 0.01, "%", 0.005, 0.02, None, A001,
          "about 1% paid conversion of an internet platform"),
        R("Consumer app", "subscription", "price", 30, "RMB/month", 20, 60, None, EST,
          "about a fifth of ChatGPT Plus's $20 (A001), priced for the Chinese market"),
        R("Consumer app", "subscription", "start_month", month(2025, 6), "date", None, None, None, A003,
          "investors expect 2–3 years to reach ChatGPT's level; sales start after two"),
        R("Enterprise API", "usage", "volume", 200_000_000, "calls/month", 50_000_000, 500_000_000, None, EST,
          "a few dozen enterprise customers at a few million calls a month each"),
        R("Enterprise API", "usage", "volume.ramp_months", 36, "months", None, None, None, EST,
          "three years to sign them, enterprise sales being slow"),
        R("Enterprise API", "usage", "unit_price", 0.05, "RMB/call", 0.02, 0.1, None, EST,
          "five fen a call, several times the serving cost a call at 1 million RMB a day"),
        R("Enterprise API", "usage", "start_month", month(2025, 6), "date", None, None, None, A003, "as above"),
    ]
    scenarios = [
        ("base", "A Chinese ChatGPT-class challenger on a $50M ticket, its own 1,000-GPU cluster, selling "
         "after two years", A002 + "; " + A003),
        ("ticket-100m", "The ticket at the rumoured $100 million", A002),
        ("xiaoice-scale", "Serving Xiaoice's dialogue volume the ChatGPT way: 300 million RMB a day", A000),
        ("rival-hardware", "Buying a year of rival-scale hardware, $1 billion", A000),
    ]
    return settings, rows, scenarios


def ai_writer() -> tuple[list, list[R], list[tuple[str, str]]]:
    """A small subscription business: an AI writing assistant at ChatGPT Plus's price, its payers won
    at a cost (CAC) and lost to churn every month, served at a cost per payer."""
    settings = [
        ("company", "AI writing assistant (illustrative)", EST + ": a small business, not a real company"),
        ("title", "A small AI subscription: CAC, churn and unit economics", ""),
        ("start_month", month(2024, 1), EST + ": launch in January 2024"),
        ("horizon_months", 60, "five years, to December 2028"),
        ("currency", "USD", ""),
        ("discount_rate", 0.15, EST + ": an early-stage annual discount rate"),
        ("opening_cash", 0, "the founders' money arrives as the seed round"),
        ("minimum_cash", 0, "running below zero counts as running out"),
    ]
    pro, team, tools, gigs = "Pro plan", "Engineering team", "Tools and hosting", "Custom projects"
    rows = [
        R(pro, "subscription", "audience", 500_000, "visits/month", 250_000, 1_000_000, None, EST,
          "monthly visitors once the product is known"),
        R(pro, "subscription", "audience.ramp_from", 50_000, "visits/month", None, None, None, EST,
          "visitors in the launch month"),
        R(pro, "subscription", "audience.ramp_months", 24, "months", None, None, None, EST,
          "months to reach the full audience"),
        R(pro, "subscription", "conversion", 0.01, "%", 0.005, 0.02, None, A001,
          "paid conversion of an internet platform: about 1%; low/high are the model's own range"),
        R(pro, "subscription", "price", 20, "USD/month", None, None, None, A001,
          "priced as ChatGPT Plus: about $20 a month"),
        R(pro, "subscription", "churn", 0.05, "%", 0.03, 0.08, None, EST,
          "share of payers who cancel each month", {"high-churn": 0.08}),
        R(pro, "subscription", "cac", 60, "USD/subscriber", 30, 150, None, EST,
          "marketing cost to win one payer", {"costly-ads": 150}),
        R(pro, "subscription", "cost_per_subscriber", 2, "USD/subscriber/month", 1, 4, None, EST,
          "model calls per payer a month: ChatGPT's $700,000 a day (" + A004 + ") over its 13 million "
          "daily users (" + A001 + ") is about $1.60 a user a month; a payer uses more"),
        R(team, "cost", "amount", 480_000, "USD/year", 360_000, 720_000, None, EST,
          "four engineers at $120,000 a year, fully loaded"),
        R(team, "cost", "category", "research_development", "", None, None, None, EST,
          "building the product is research & development"),
        R(tools, "cost", "amount", 36_000, "USD/year", None, None, None, EST,
          "accounting, hosting of the web site, software"),
        R(tools, "cost", "category", "general_administrative", "", None, None, None, EST,
          "running the business is general & administrative"),
        R(gigs, "revenue", "amount", 60_000, "USD/year", 0, 120_000, None, EST,
          "custom projects for business customers: revenue, but not recurring (not in ARR)"),
        R("Seed round", "funding", "amount", 1_500_000, "USD", None, None, None, EST,
          "a seed round at launch"),
        R("Seed round", "funding", "month", month(2024, 1), "date", None, None, None, EST,
          "raised before launch, so it is in the bank from the first month"),
    ]
    scenarios = [
        ("base", "A $20-a-month writing assistant: 500,000 visitors a month after two years, 1% paying, "
         "5% churn a month, $60 to win a payer, $2 a month to serve one", A001),
        ("high-churn", "8% of payers cancel each month: more of the marketing only replaces them"),
        ("costly-ads", "$150 to win a payer: acquisition takes 2.5 times the base case's budget"),
    ]
    return settings, rows, scenarios


# Which articles each example's Sources sheet lists (an article listed is cited somewhere in it)
SOURCES_OF = {"openai": list(SOURCES), "xiaoice_rmb": list(SOURCES), "ai_writer": [A001, A004]}

# The Correlations sheets: target rank correlations between uncertain assumptions. No article gives one;
# each is the model's own estimate, with its reasoning.
CORRELATIONS = {
    "openai": [
        C("Serving ChatGPT.cost_per_day", "ChatGPT Plus.audience", 0.6, EST,
          "inference cost moves with usage: more visits are more queries to serve each day"),
        C("Frontier training.cost_per_run", "Serving ChatGPT.cost_per_day", 0.4, EST,
          "GPU price with training cost: both bills buy time on the same GPUs, so a dear GPU market raises "
          "both (the workbook has no GPU price row of its own)"),
        C("API licensing.customers", "API licensing.annual_fee", -0.5, EST,
          "conversion with price: a higher licence fee signs fewer platforms (the Plus price has no range, "
          "so the licensing fee and its take-up carry the trade-off)"),
    ],
    "xiaoice_rmb": [
        C("Pre-training.gpu_month_price", "Fine-tuning.gpu_month_price", 0.9, EST,
          "both rent GPUs in the same market at the same time"),
        C("GPU cluster.unit_price", "Pre-training.gpu_month_price", 0.5, EST,
          "GPU price with training cost: buying and renting GPUs get dear together"),
        C("GPU cluster.unit_price", "Fine-tuning.gpu_month_price", 0.45, EST,
          "as for pre-training; listed because 0.9 and 0.5 above leave 0 impossible here (the check says so)"),
    ],
    "ai_writer": [],
}


# The Checks sheets: figures the model must reproduce, checked by `cashcast test` and shown in the reports.
# The flagship's are the articles' own arithmetic (001), each in the scenario that states its inputs:
# seed-001 takes 001's audience, conversion, price and licensees from the first month, and the two ad
# scenarios reach their share of Google's market after the 36-month ramp (from January 2027).
CHECKS = {
    "openai": [
        K("ChatGPT Plus.revenue", "2023", 2_400_000_000, None, None, "seed-001",
          A001 + ": subscription revenue = 1 billion visits × 1% paying × $20 a month × 12 = $2.4 billion a "
          "year, the article's own arithmetic"),
        K("ChatGPT Plus.revenue", "2023-01", 200_000_000, None, None, "seed-001",
          A001 + ": the same arithmetic by the month: 10 million payers × $20 = $200 million"),
        K("API licensing.revenue", "2023", 200_000_000, None, None, "seed-001",
          A001 + ": licensing = about 200 US platforms × about $1 million a year = $200 million a year"),
        K("Advertising.revenue", "2027", 33_000_000_000, None, None, "ads-15pct",
          A001 + ": the low end of the ad revenue OpenAI would need: 15% of Google's $220 billion = $33 "
                 "billion a year"),
        K("Advertising.revenue", "2027", 60_000_000_000, None, None, "ads-20pct",
          A001 + ": the high end: 20% of Google's $300 billion = $60 billion a year"),
        K("ChatGPT Plus.revenue", "2025", 2_400_000_000, None, None, "",
          A001 + ": in the base case the audience reaches the article's 1 billion visits after its 12-month "
                 "ramp, so from 2025 subscriptions earn the article's $2.4 billion a year"),
    ],
    # The RMB example's: the articles' figures as the model converts and spreads them (fx_USD 7.2 RMB).
    "xiaoice_rmb": [
        K("Entry ticket.funding", "2023-06", 360_000_000, None, None, "",
          A002 + ": the $50 million entry ticket of a large-model startup at 7.2 RMB a dollar = 360 million RMB"),
        K("Entry ticket.funding", "2023-06", 720_000_000, None, None, "ticket-100m",
          A002 + ": the ticket rumoured to rise to $100 million = 720 million RMB"),
        K("GPU cluster.cost", "2023-07", 50_000_000, None, None, "",
          A002 + ": 1,000 GPUs at 30,000–50,000 RMB each (50,000 on average) = 50 million RMB, paid when bought"),
        K("R&D team.cost", "2024", 10_000_000, None, None, "",
          A002 + ": Caiyun's ceiling of 10 million RMB a year for R&D = 50 people × 200,000 RMB"),
        K("Rival-scale hardware.cost", "2024-01", 7_200_000_000, None, None, "rival-hardware",
          A000 + ": about $1 billion a year of GPUs and CPUs to train a ChatGPT rival = 7.2 billion RMB"),
    ],
}


def main() -> None:
    for name, build in (("openai", openai), ("xiaoice_rmb", xiaoice_rmb), ("ai_writer", ai_writer)):
        settings, rows, scenarios = build()
        path = write_assumption_workbook(HERE / f"{name}.xlsx", settings, rows, scenarios,
                                         correlations=CORRELATIONS[name] or None,
                                         sources=[SOURCES[k] for k in SOURCES_OF[name]], checks=CHECKS.get(name))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
