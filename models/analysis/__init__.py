"""Analyses of an evaluated model: KPIs, scenarios, sensitivity, simulation and solve-for."""
