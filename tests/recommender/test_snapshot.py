"""Snapshots carry a schema number; older ones are upgraded on every read, and still render."""

import copy
import json
from pathlib import Path

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from recommender.documents import verdict_document, with_url
from recommender.models import Verdict
from recommender.questionnaire import QuestionInfo
from recommender.serializers import RecommendationRequestSerializer, RecommendationSerializer
from recommender.snapshot import SCHEMA_VERSION, upgrade
from recommender.verdicts import VerdictRequest, compute_and_store
from tests.text import visible_text

# A verdict row as stored before snapshots had a schema number (seed data, three answers).
SCHEMA_1 = json.loads((Path(__file__).parent / "snapshots" / "schema1.json").read_text())


def stored_schema_1() -> Verdict:
    return Verdict.objects.create(**copy.deepcopy(SCHEMA_1))


def test_the_fixture_is_of_schema_1():
    assert "schema" not in SCHEMA_1["snapshot"]


@pytest.mark.usefixtures("seeded")
def test_a_schema_1_verdict_renders_its_page_with_the_winner_and_the_reasons(client):
    verdict = stored_schema_1()
    snapshot = SCHEMA_1["snapshot"]
    response = client.get(f"/verdict/{verdict.id}/")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert f"{snapshot['frameworks'][snapshot['winner']]} fits you best" in text
    shown = [r for r in snapshot["reasons"] if r["contribution"] > 0][:2]
    for reason in shown:
        assert snapshot["criteria"][reason["criterion"]]["name"] in text


@pytest.mark.usefixtures("seeded")
def test_a_schema_1_verdict_has_its_api_document_with_the_winner_and_the_reasons(client):
    verdict = stored_schema_1()
    response = client.get(f"/api/recommendations/{verdict.id}/")
    assert response.status_code == 200
    body = response.json()
    snapshot = SCHEMA_1["snapshot"]
    assert body["id"] == str(verdict.id) and body["winner"] == snapshot["winner"]
    assert body["url"] == f"http://testserver/verdict/{verdict.id}/"
    assert [r["criterion"] for r in body["reasons"]] == [r["criterion"] for r in snapshot["reasons"]]
    assert all(r["claims"] for r in body["reasons"] if r["weight"] > 0 and r["contribution"])
    assert "schema" not in body


def test_upgrade_brings_schema_1_to_the_current_shape_and_leaves_it_alone():
    old = copy.deepcopy(SCHEMA_1["snapshot"])
    upgraded = upgrade(old)
    assert upgraded["schema"] == SCHEMA_VERSION
    assert old == SCHEMA_1["snapshot"], "the stored snapshot is not changed in place"
    assert upgrade(upgraded) is upgraded
    assert {k: v for k, v in upgraded.items() if k != "schema"} == old  # today's schema 1 lacked nothing


def test_upgrade_fills_what_older_snapshots_lacked_with_what_it_meant_then():
    old = {
        "ranking": [{"framework": "django", "score": 70.0, "excluded_reason": ""}],
        "also_worth_a_look": [],
        "flips": [{"criterion": "orm", "current_weight": 3, "flip_weight": 0, "new_winner": "flask"}],
        "reasons": [
            {"criterion": "orm", "cells": {"django": {"mean_rating": 4.0, "claim_ids": [1, 2]}}},
        ],
    }
    upgraded = upgrade(old)
    assert upgraded["compared_by"] == "featured" and upgraded["claims"] == {}
    assert upgraded["ranking"][0] == {
        "framework": "django", "score": 70.0, "excluded_reason": "",
        "lacks_evidence": False, "failed_must_haves": [], "missing_evidence": [],
    }  # fmt: skip
    assert upgraded["flips"][0]["too_close_to_call"] is False
    cell = upgraded["reasons"][0]["cells"]["django"]
    assert cell["scored_ids"] == [1, 2] and cell["witnesses"] == [] and cell["thin"] is False


@pytest.mark.usefixtures("seeded")
def test_a_new_snapshot_carries_the_schema_number():
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
    assert Verdict.objects.get(pk=verdict.pk).snapshot["schema"] == SCHEMA_VERSION


@pytest.mark.usefixtures("seeded")
def test_the_url_goes_where_the_document_encoded_with_it_has_it():
    verdict = stored_schema_1()
    for claim in verdict.snapshot["claims"].values():
        claim["source"]["url"] = ""  # a citation without a URL: only the document's own is filled in
    url = 'https://example.org/verdict/é/?a=1&b="2"'
    encoded = JSONRenderer().render(verdict_document(verdict, url=""))
    assert encoded.count(b'"url":""') > 1
    assert with_url(encoded, url) == JSONRenderer().render(verdict_document(verdict, url=url))
    expected = f'{{"id":"{verdict.id}","url":"https://example.org/verdict/é/?a=1&b=\\"2\\"",'
    assert with_url(encoded, url).startswith(expected.encode())


def declared(serializer: serializers.Serializer, value) -> None:
    """`value` has exactly the fields `serializer` declares, nested ones too."""
    assert list(value) == list(serializer.fields), type(serializer).__name__
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            for item in value[name]:
                declared(field.child, item)
        elif isinstance(field, serializers.DictField) and isinstance(field.child, serializers.Serializer):
            for item in value[name].values():
                declared(field.child, item)
        elif isinstance(field, serializers.Serializer):
            declared(field, value[name])


@pytest.mark.usefixtures("seeded")
def test_the_document_has_the_fields_its_serializer_declares_in_their_order():
    for verdict in (stored_schema_1(), compute_and_store(VerdictRequest(answers={"project": ["iot"]}))):
        declared(RecommendationSerializer(), verdict_document(verdict, url="http://testserver/"))


def test_answers_are_checked_against_the_questionnaire_given_in_the_context():
    only = QuestionInfo("team", "Who?", "", False, {"solo": "Alone"}, {"solo": []})
    good = RecommendationRequestSerializer(data={"answers": {"team": "solo"}}, context={"questions": [only]})
    assert good.is_valid(), good.errors
    bad = RecommendationRequestSerializer(data={"answers": {"project": "iot"}}, context={"questions": [only]})
    assert not bad.is_valid() and "project" in bad.errors["answers"]
