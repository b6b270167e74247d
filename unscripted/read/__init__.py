"""Reading: every essay found, validated and recorded; the read boundary; ABlog's bridge.

* ``state``: the build's typed state and the per-document stores;
* ``discovery``: essays found and validated before Sphinx reads any; drafts held back;
* ``boundary``: what an essay's text may not contain;
* ``essays``: each essay as read, then the site model;
* ``search``: each indexed document's terms and excerpt;
* ``directives``: the markup of Unscripted's own pages (``{latest-essays}``);
* ``ablog_bridge``: the only module that touches ABlog.
"""
