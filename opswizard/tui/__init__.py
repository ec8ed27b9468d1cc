"""The Textual app. Screens in `screens/`, reusable widgets in `widgets/`."""
