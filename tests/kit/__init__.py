"""The one kit of test doubles and helpers: fakes that record what they received, scripted
engines, settings and event recorders. Every suite takes its fakes from here."""
