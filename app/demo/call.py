"""A typical SNP call around the territory's main town, for screenshots and training.

The call goes through the real form and the real desk: it is a call like any
other, only typed by the program.
"""

from __future__ import annotations

from app.services.reference.communes import default_index


def main_commune_name(departement: str) -> str:
    """The most populated commune of the département (Strasbourg for 67)."""
    communes = [c for c in default_index().in_departement(departement) if c.lat is not None]
    return max(communes, key=lambda c: c.population).name if communes else ""


def fill_demo_call(window, departement: str) -> None:
    """Type the demo call into the intake form and open the case (which starts the search)."""
    window.intake.fill(
        caller_phone="06 12 34 56 78",
        caller_name="Mme Martin",
        address="12 rue des Juifs",
        commune=main_commune_name(departement),
        motive="M03.14",
        priority="P2",
        notes="Fièvre depuis 48 h, pas de signe de gravité.",
    )
    window.intake.confirm_callback()
    # The data dir may already hold this demo call (a second screenshot, a self-test on kept data):
    # answer the duplicate question with "Nouveau dossier" instead of waiting on a modal box.
    from app.ui.case.regulation_actions import Prompt

    ask = Prompt.__dict__["choose"]
    Prompt.choose = classmethod(lambda cls, parent, title, text, options: 1)
    try:
        window.intake.submit()
    finally:
        Prompt.choose = ask
