"""Workbench (基层所市场主体服务工作台): the package root; importing it loads nothing heavy."""

__version__ = "0.1.0"
