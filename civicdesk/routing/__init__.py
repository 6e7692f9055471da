"""Smart dispatch (智能派单): routing citizen messages to a category."""
