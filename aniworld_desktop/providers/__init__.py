"""Sources of episodes, behind one small protocol."""
