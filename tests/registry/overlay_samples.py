"""Overlay texts shared by the registry tests."""

NEW_APP = """\
apps:
- id: inhouse_pay
  name_ko: 사내페이
  name_en: In-house Pay
  category: easypay
  status: active
  priority: {tier: 3, order: 5}
  methods: [easypay]
  ios_schemes: [inhousepay]
  android_packages: [com.example.inhousepay]
  sources:
  - {id: team-wiki, seen: '2026-11', verified: published}
sources:
- {id: team-wiki, where: 'https://wiki.example.com/payments', commit: null, date: '2026-11'}
"""
