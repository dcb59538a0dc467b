"""Findings of a re-check said in plain words, clock times and the user's language."""

from __future__ import annotations

from typing import Any

from .i18n import Words


def say(w: Words, f: dict[str, Any], *, site_name: Any = str, lot_name: Any = str) -> str:
    """One sentence for finding ``f`` (see ``recheck.Finding``)."""
    v = f.get("values", {})
    vehicle, lot, site = f.get("vehicle", ""), lot_name(f.get("lot", "")), site_name(f.get("site", ""))
    kind = f["kind"]
    if kind == "late_pickup":
        return w._("Lot %(lot)s would be picked up at %(at)s, %(late)s after its latest pickup time "
                   "%(latest)s (ready from %(ready)s).", lot=lot, at=w.clock(v["picked_up"]),
                   late=w.duration(v["late_s"]), latest=w.clock(v["latest"]), ready=w.clock(v["ready"]))
    if kind == "over_capacity":
        return w._("%(vehicle)s would carry %(load)s after %(site)s, more than its %(capacity)s.",
                   vehicle=vehicle, load=w.kg(v["load_kg"]), site=site, capacity=w.kg(v["capacity_kg"]))
    if kind == "over_boxes":
        return w._("%(vehicle)s would carry %(boxes)s boxes after %(site)s, more than its %(capacity)s.",
                   vehicle=vehicle, boxes=v["boxes"], site=site, capacity=v["capacity_boxes"])
    if kind == "after_shift":
        return w._("%(vehicle)s would be back at %(end)s, after its shift ends at %(shift_end)s.",
                   vehicle=vehicle, end=w.clock(v["end"]), shift_end=w.clock(v["shift_end"]))
    if kind == "before_shift":
        return w._("%(vehicle)s would leave at %(start)s, before its shift starts at %(shift_start)s.",
                   vehicle=vehicle, start=w.clock(v["start"]), shift_start=w.clock(v["shift_start"]))
    if kind == "freshness":
        return w._("Lot %(lot)s would reach %(site)s at %(at)s, %(over)s of shelf life past its "
                   "budget before pre-cooling.", lot=lot, site=site, at=w.clock(v["delivered"]),
                   over=w.duration(v["over_s"]))
    if kind == "closed":
        return w._("%(site)s is closed at %(at)s, when lot %(lot)s would arrive.",
                   site=site, at=w.clock(v["at"]), lot=lot)
    if kind == "intake":
        return w._("%(site)s would receive %(kg)s in the hour from %(slot)s, more than its intake of "
                   "%(capacity)s an hour.", site=site, kg=w.kg(v["kg"]), slot=w.clock(v["slot"]),
                   capacity=w.kg(v["capacity_kg_h"]))
    if kind == "not_allowed":
        return w._("Lot %(lot)s may not go to %(site)s (allowed: %(allowed)s).", lot=lot, site=site,
                   allowed=", ".join(site_name(s) for s in v.get("allowed", [])))
    if kind == "freight_late":
        return w.n_("Lot %(lot)s would be ready at %(site)s at %(ready)s, after the cut-off %(cutoff)s of shipment "
                    "%(shipment)s (leaving %(departure)s): %(n)s order on it would miss its departure.",
                    "Lot %(lot)s would be ready at %(site)s at %(ready)s, after the cut-off %(cutoff)s of shipment "
                    "%(shipment)s (leaving %(departure)s): %(n)s orders on it would miss their departure.",
                    int(v.get("orders", 1)), lot=lot, site=site, ready=w.clock(v["ready"]),
                    cutoff=w.clock(v["cutoff"]), shipment=", ".join(v.get("shipments", [])),
                    departure=w.clock(v["departure"]) if v.get("departure") else "")
    if kind == "freight_elsewhere":
        return w.n_("Lot %(lot)s would now go to %(at)s, not %(origin)s where shipment %(shipment)s (leaving "
                    "%(departure)s) loads it: %(n)s order on it would lose its fruit.",
                    "Lot %(lot)s would now go to %(at)s, not %(origin)s where shipment %(shipment)s (leaving "
                    "%(departure)s) loads it: %(n)s orders on it would lose their fruit.",
                    int(v.get("orders", 1)), lot=lot, at=site_name(v["at"]), origin=site_name(v["origin"]),
                    shipment=", ".join(v.get("shipments", [])), departure=w.clock(v["departure"]))
    if kind == "freight":
        return w.n_("Freight: shipment %(shipments)s loads lot %(lots)s, which now reaches the packing house at "
                    "another time; the freight check finds, for %(n)s order: %(text)s",
                    "Freight: shipment %(shipments)s loads lot %(lots)s, which now reaches the packing house at "
                    "another time; the freight check finds, for %(n)s orders (the first): %(text)s",
                    int(v.get("orders", 1)), shipments=", ".join(v.get("shipments", [])),
                    lots=", ".join(lot_name(x) for x in v.get("lots", [])), text=v["text"])
    if kind == "route":
        return w._("%(vehicle)s: the route cannot be re-timed (%(text)s).", vehicle=vehicle, text=v["text"])
    return w._("The checker says: %(text)s", text=v.get("text", kind))
