"""The public broadcasters' film list, published by the MediathekView project, as a provider."""
