"""The teaching front end: a Mesa 3.5 model over the engine and a Solara page.

- :mod:`sim.teach.model` - :class:`~sim.teach.model.InfluenceModel`, a ``mesa.Model`` whose
  ``step`` advances :class:`sim.model.engine.Simulation` one day; its keyword arguments are the
  teaching knobs. :mod:`sim.teach.agents` - the Mesa agents, thin views of the engine's arrays.
- :mod:`sim.teach.app` - the Solara page (``influence-sim teach``).
- :mod:`sim.teach.presets` - classroom scenarios and lessons; :mod:`sim.teach.layout` - the
  drawn sample and its stable layout; :mod:`sim.teach.explain` - why an agent did or did not
  adopt; :mod:`sim.teach.export` - GIF/MP4 and PNG for slides.
- :mod:`sim.teach.adapter` - the only module that calls Mesa or Solara.

Needs the ``teach`` extra (``pip install 'influence-sim[teach]'``); ``import sim`` never loads
this package.
"""
