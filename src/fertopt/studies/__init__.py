"""Published studies that fertopt re-analyses, one package each.

:mod:`fertopt.studies.water_chestnut` audits the water-chestnut formula-correction trial
(``fertopt.studies.water_chestnut.audit()``; ``fertopt example`` runs it).
"""

from __future__ import annotations

from fertopt.studies import water_chestnut

__all__ = ["water_chestnut"]
