# Install rules (placeholder).
